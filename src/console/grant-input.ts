import { GatewayError } from '../errors/index.js';
import type { RequestValidator } from '../http/index.js';
import type { NewGrant } from '../identity/index.js';
import { field, fieldList } from './web.js';

/** The grant editor's fields as the form sent them, kept to show the form again after an error. */
export interface GrantFormValues {
  workspace: string;
  all_projects: boolean;
  projects: string[];
  tools: string[];
  write_budget_per_hour: string;
  calls_per_minute: string;
  approval_required_kinds: string[];
  approval_required_projects: string[];
  approval_required_tools: string[];
  expires_at: string;
}

export function grantFormValues(body: unknown, workspace: string): GrantFormValues {
  return {
    workspace: field(body, 'workspace') || workspace,
    all_projects: field(body, 'all_projects') === 'on',
    projects: fieldList(body, 'projects'),
    tools: fieldList(body, 'tools'),
    write_budget_per_hour: field(body, 'write_budget_per_hour').trim(),
    calls_per_minute: field(body, 'calls_per_minute').trim(),
    approval_required_kinds: fieldList(body, 'approval_required_kinds'),
    approval_required_projects: fieldList(body, 'approval_required_projects'),
    approval_required_tools: fieldList(body, 'approval_required_tools'),
    expires_at: field(body, 'expires_at').trim(),
  };
}

export function emptyGrantForm(workspace: string): GrantFormValues {
  return { workspace, all_projects: false, projects: [], tools: [], write_budget_per_hour: '', calls_per_minute: '', approval_required_kinds: [], approval_required_projects: [], approval_required_tools: [], expires_at: '' };
}

/** Nothing chosen at all: on the pairing page that means "pair without a grant". */
export function grantFormIsEmpty(v: GrantFormValues): boolean {
  return !v.all_projects && v.projects.length === 0 && v.tools.length === 0;
}

function wholeNumber(value: string): number | string {
  return /^\d{1,9}$/.test(value) ? Number(value) : value;
}

/**
 * The form as the grants API's request body, checked against the same JSON Schema as
 * `POST /internal/v1/agents/{id}/grants`; the grants service then checks what it names.
 * An expiry is read as UTC (the form says so).
 */
export function grantFromForm(v: GrantFormValues, validator: RequestValidator): NewGrant {
  const constraints: Record<string, unknown> = {};
  if (v.write_budget_per_hour !== '') constraints.write_budget_per_hour = wholeNumber(v.write_budget_per_hour);
  if (v.calls_per_minute !== '') constraints.calls_per_minute = wholeNumber(v.calls_per_minute);
  if (v.approval_required_kinds.length) constraints.approval_required_kinds = v.approval_required_kinds;
  if (v.approval_required_projects.length) constraints.approval_required_projects = v.approval_required_projects;
  if (v.approval_required_tools.length) constraints.approval_required_tools = v.approval_required_tools;
  let expiresAt: string | undefined;
  if (v.expires_at !== '') {
    const at = new Date(/Z$|[+-]\d\d:\d\d$/.test(v.expires_at) ? v.expires_at : `${v.expires_at}Z`);
    if (Number.isNaN(at.getTime())) throw new GatewayError('validation_failed', 'Some fields are not valid.', { fields: [{ pointer: '/expires_at', message: 'must be a date and time' }] });
    expiresAt = at.toISOString();
  }
  const body = {
    workspace: v.workspace,
    projects: v.all_projects ? '*' : v.projects,
    tools: v.tools,
    constraints,
    ...(expiresAt ? { expires_at: expiresAt } : {}),
  };
  const checked = validator.body<{ workspace: string; projects: NewGrant['projects']; tools: string[]; constraints: Record<string, unknown>; expires_at?: string }>('internal/grant-create.json', body);
  return { workspace: checked.workspace, projects: checked.projects, tools: checked.tools, constraints: checked.constraints, expiresAt: checked.expires_at ? new Date(checked.expires_at) : null };
}
