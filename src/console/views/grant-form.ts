import type { CatalogueProject, ToolKind } from '../../identity/index.js';
import { html, type Html } from '../html.js';
import type { GrantFormValues } from '../grant-input.js';
import { fieldError, invalidAttrs, type FieldErrors } from './forms.js';

/** What the editor offers: only what Tasker and the tool contracts actually have. */
export interface GrantChoices {
  workspace: string;
  projects: CatalogueProject[];
  tools: { name: string; kind: ToolKind; title: string }[];
}

const KINDS: { kind: ToolKind; label: string }[] = [
  { kind: 'read', label: 'read: every reading tool' },
  { kind: 'write', label: 'write: every tool that creates or changes' },
  { kind: 'destructive', label: 'destructive: every tool that deletes' },
];

function box(name: string, value: string, label: string, checked: boolean, idPrefix: string): Html {
  const id = `${idPrefix}-${name}-${value}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return html`<li><input type="checkbox" id="${id}" name="${name}" value="${value}"${checked ? html` checked` : ''}> <label for="${id}">${label}</label></li>`;
}

function group(legend: string, name: string, errors: FieldErrors, items: Html[], hint?: string): Html {
  return html`<fieldset class="choices"${invalidAttrs(errors, name)}><legend>${legend}</legend>${hint ? html`<p class="hint">${hint}</p>` : ''}<ul>${items}</ul>${fieldError(errors, name)}</fieldset>`;
}

/** The grant fields (no form element: the pairing page embeds them in its own form). */
export function grantFields(choices: GrantChoices, v: GrantFormValues, errors: FieldErrors, idPrefix = 'g'): Html {
  const projectBoxes = choices.projects.map((p) => box('projects', p.identifier, `${p.identifier}: ${p.name}`, v.projects.includes(p.identifier), idPrefix));
  const kindBoxes = KINDS.map((k) => box('tools', k.kind, k.label, v.tools.includes(k.kind), idPrefix));
  const toolBoxes = choices.tools.map((t) => box('tools', t.name, `${t.name} (${t.kind})`, v.tools.includes(t.name), idPrefix));
  return html`<div class="field"><label for="${idPrefix}-workspace">Workspace</label>
      <select id="${idPrefix}-workspace" name="workspace"${invalidAttrs(errors, 'workspace')}><option value="${choices.workspace}" selected>${choices.workspace}</option></select>
      ${fieldError(errors, 'workspace')}</div>
    <fieldset class="choices"><legend>Projects</legend>
      <p><input type="checkbox" id="${idPrefix}-all-projects" name="all_projects" value="on"${v.all_projects ? html` checked` : ''}> <label for="${idPrefix}-all-projects">Every project, also future ones</label></p>
      <ul>${projectBoxes}</ul>${fieldError(errors, 'projects')}</fieldset>
    ${group('Tools', 'tools', errors, [...kindBoxes, ...toolBoxes], 'A kind gives every tool of that kind.')}
    <fieldset class="choices"><legend>Constraints</legend>
      <div class="field"><label for="${idPrefix}-budget">Writes per hour (empty: no limit)</label>
        <input id="${idPrefix}-budget" name="write_budget_per_hour" inputmode="numeric" value="${v.write_budget_per_hour}"${invalidAttrs(errors, 'write_budget_per_hour')}>${fieldError(errors, 'write_budget_per_hour')}</div>
      <div class="field"><label for="${idPrefix}-cpm">Calls per minute (empty: no limit)</label>
        <input id="${idPrefix}-cpm" name="calls_per_minute" inputmode="numeric" value="${v.calls_per_minute}"${invalidAttrs(errors, 'calls_per_minute')}>${fieldError(errors, 'calls_per_minute')}</div>
      ${group('Always ask me before these kinds', 'approval_required_kinds', errors, KINDS.map((k) => box('approval_required_kinds', k.kind, k.kind, v.approval_required_kinds.includes(k.kind), idPrefix)))}
      ${group('Ask me before writes in these projects', 'approval_required_projects', errors, choices.projects.map((p) => box('approval_required_projects', p.identifier, p.identifier, v.approval_required_projects.includes(p.identifier), idPrefix)))}
      ${group('Always ask me before these tools', 'approval_required_tools', errors, choices.tools.filter((t) => t.kind !== 'read').map((t) => box('approval_required_tools', t.name, t.name, v.approval_required_tools.includes(t.name), idPrefix)))}
    </fieldset>
    <div class="field"><label for="${idPrefix}-expires">Expires (UTC, empty: never)</label>
      <input id="${idPrefix}-expires" type="datetime-local" name="expires_at" value="${v.expires_at}"${invalidAttrs(errors, 'expires_at')}>${fieldError(errors, 'expires_at')}</div>`;
}
