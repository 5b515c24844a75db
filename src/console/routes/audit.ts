import { Router } from 'express';
import { verifyChain, type AuditFilter } from '../../audit/index.js';
import { GatewayError } from '../../errors/index.js';
import type { ConsoleDeps } from '../deps.js';
import { frameOf } from '../frame.js';
import { ownerScope, visibleAgent } from '../ownership.js';
import { auditPage, type AuditFilterValues } from '../views/audit.js';
import { send, sessionOf } from '../web.js';

const KIND = /^[a-z_]+(\.[a-z_]+)*(\.\*)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function utc(value: string, name: string): Date | undefined {
  if (value === '') return undefined;
  const at = new Date(/Z$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(at.getTime())) throw new GatewayError('validation_failed', `The ${name} time is not a date and time.`);
  return at;
}

/** Audit events filtered by agent, kind and time, cursor-paged; owners see their own agents' events only. */
export function auditRouter(deps: ConsoleDeps): Router {
  const router = Router();
  const { audit, orm, identity } = deps.gateway;

  router.get('/audit', async (req, res) => {
    const { user } = sessionOf(res);
    const values: AuditFilterValues = { agent_id: text(req.query.agent_id), kind: text(req.query.kind), since: text(req.query.since), until: text(req.query.until) };
    const filter: AuditFilter = { ...ownerScope(res) };
    if (values.agent_id) {
      if (!UUID.test(values.agent_id)) throw new GatewayError('not_found', 'No agent with this id.');
      filter.agentId = (await visibleAgent(deps, res, values.agent_id.toLowerCase())).id;
    }
    if (values.kind) {
      if (!KIND.test(values.kind)) throw new GatewayError('validation_failed', 'The kind is a dotted name such as agent.created, or a prefix such as agent.*.');
      filter.kind = values.kind;
    }
    const since = utc(values.since, 'from');
    const until = utc(values.until, 'until');
    if (since) filter.since = since;
    if (until) filter.until = until;
    const cursor = typeof req.query.cursor === 'string' && /^[A-Za-z0-9_-]{1,512}$/.test(req.query.cursor) ? req.query.cursor : undefined;
    const page = await audit.query(orm.em.fork(), filter, 50, cursor);
    const agents = (await identity.agents.list(orm.em.fork(), ownerScope(res), 200)).items;
    const nextHref = page.next_cursor ? `/console/audit?${new URLSearchParams({ ...values, cursor: page.next_cursor }).toString()}` : null;
    const admin = user.role === 'admin' ? { policyRevision: deps.policyRevision(), ...(req.query.verify === '1' ? { verdict: await verifyChain(orm.em.fork()) } : {}) } : undefined;
    send(res, auditPage(await frameOf(deps, res), { agents, filter: values, events: page.items, nextHref, ...(admin ? { admin } : {}) }));
  });

  return router;
}
