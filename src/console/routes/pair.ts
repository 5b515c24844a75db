import { Router, type Response } from 'express';
import { GatewayError } from '../../errors/index.js';
import { checkGrantNames, type AgentView, type NewGrant } from '../../identity/index.js';
import type { ApprovalTarget, FlowView } from '../../pairing/index.js';
import type { ConsoleDeps } from '../deps.js';
import { frameOf } from '../frame.js';
import { emptyGrantForm, grantFormIsEmpty, grantFormValues, grantFromForm, type GrantFormValues } from '../grant-input.js';
import { grantChoices } from '../grant-choices.js';
import { byField } from '../views/forms.js';
import { pairApprovalPage, pairEntryPage } from '../views/pair.js';
import { actingHuman, field, send, sessionOf } from '../web.js';

const USER_CODE = /^[A-Za-z0-9 -]{4,20}$/;

export interface ApprovalForm {
  target: 'new' | 'existing';
  displayName: string;
  agentId: string;
  values: GrantFormValues;
}

/** The device flow's verification page: the owner binds the device to an agent and grants it, in one step, or denies. */
export function pairRouter(deps: ConsoleDeps): Router {
  const router = Router();
  const { orm, pairing, identity, validator } = deps.gateway;

  const ownActiveAgents = async (res: Response): Promise<AgentView[]> => {
    const page = await identity.agents.list(orm.em.fork(), { ownerUserId: sessionOf(res).user.id, status: 'active' }, 200);
    return page.items;
  };

  const lookup = async (userCode: string): Promise<FlowView | undefined> => {
    if (!USER_CODE.test(userCode)) return undefined;
    try {
      return await pairing.flows.lookup(orm.em.fork(), userCode);
    } catch (err) {
      if (err instanceof GatewayError && err.code === 'not_found') return undefined;
      throw err;
    }
  };

  const approvalPage = async (res: Response, userCode: string, flow: FlowView, form: ApprovalForm, errors = byField([]), error?: string, status = 200) => {
    const [agents, choices] = await Promise.all([ownActiveAgents(res), grantChoices(deps)]);
    send(res, pairApprovalPage(await frameOf(deps, res), { userCode, flow, agents, choices, errors, ...form, ...(error ? { error } : {}) }), status);
  };

  router.get('/pair', async (req, res) => {
    const userCode = typeof req.query.user_code === 'string' ? req.query.user_code.trim() : '';
    if (!userCode) return send(res, pairEntryPage(await frameOf(deps, res), ''));
    const flow = await lookup(userCode);
    if (!flow) return send(res, pairEntryPage(await frameOf(deps, res), userCode, 'No pairing request has this code. Check it, or ask the developer to start again.'), 404);
    const choices = await grantChoices(deps);
    await approvalPage(res, userCode, flow, { target: 'new', displayName: flow.device_name.slice(0, 100), agentId: '', values: emptyGrantForm(choices.workspace) });
  });

  router.post('/pair/approve', async (req, res) => {
    const userCode = field(req.body, 'user_code').trim();
    const flow = await lookup(userCode);
    if (!flow) return send(res, pairEntryPage(await frameOf(deps, res), userCode, 'No pairing request has this code.'), 404);
    const user = sessionOf(res).user;
    const catalogue = identity.grants.catalogue;
    const form = approvalFormFrom(req.body, catalogue?.workspace ?? '');
    let target: ApprovalTarget;
    let grant: NewGrant | undefined;
    try {
      target = await approvalTarget(deps, res, form);
      grant = grantFormIsEmpty(form.values) ? undefined : grantFromForm(form.values, validator);
      // The service checks again inside; checking first shows every field error before anything is locked.
      if (grant && catalogue) await checkGrantNames(catalogue, grant);
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'validation_failed') throw err;
      return approvalPage(res, userCode, flow, form, byField(err.fields), err.message, 400);
    }
    const ctx = actingHuman(req, res);
    await orm.em.fork().transactional(async (tx) => {
      const approved = await pairing.flows.approve(tx, userCode, target, user.id, ctx);
      if (grant) await identity.grants.create(tx, approved.agent.id, grant, ctx);
    });
    res.redirect(303, '/console/agents?notice=paired');
  });

  router.post('/pair/deny', async (req, res) => {
    const userCode = field(req.body, 'user_code').trim();
    if (!(await lookup(userCode))) return send(res, pairEntryPage(await frameOf(deps, res), userCode, 'No pairing request has this code.'), 404);
    await pairing.flows.deny(orm.em.fork(), userCode, actingHuman(req, res));
    res.redirect(303, '/console/agents?notice=pair_denied');
  });

  return router;
}

/** A new agent owned by the signed-in human, or one of their own active agents (nobody else's). */
/** The binding and grant fields of a posted approval form (device pairing and OAuth consent share them). */
export function approvalFormFrom(body: unknown, workspace: string): ApprovalForm {
  return {
    target: field(body, 'target') === 'existing' ? 'existing' : 'new',
    displayName: field(body, 'display_name').trim(),
    agentId: field(body, 'agent_id'),
    values: grantFormValues(body, workspace),
  };
}

export async function approvalTarget(deps: ConsoleDeps, res: Response, form: ApprovalForm): Promise<ApprovalTarget> {
  const user = sessionOf(res).user;
  if (form.target === 'new') {
    if (!/^[^\u0000-\u001f\u007f]{1,100}$/.test(form.displayName)) throw new GatewayError('validation_failed', 'Some fields are not valid.', { fields: [{ pointer: '/display_name', message: 'the new agent needs a name (1 to 100 characters)' }] });
    return { newAgent: { displayName: form.displayName, ownerEmail: user.email } };
  }
  const notYours = new GatewayError('validation_failed', 'Some fields are not valid.', { fields: [{ pointer: '/agent_id', message: 'pick one of your active agents' }] });
  if (!/^[0-9a-f-]{36}$/i.test(form.agentId)) throw notYours;
  const agent = await deps.gateway.identity.agents.get(deps.gateway.orm.em.fork(), form.agentId.toLowerCase()).catch(() => undefined);
  if (!agent || agent.ownerUserId !== user.id || agent.status !== 'active') throw notYours;
  return { agentId: agent.id };
}

