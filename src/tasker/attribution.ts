import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from './types.js';

/**
 * Attribution: people reading Tasker see which agent acted for whom. Everything the gateway
 * creates carries `external_source` (the gateway) and an `external_id`; descriptions and comments
 * end with a short line naming the agent and its owner.
 */
const HTML_TAG = /<\/?[a-z][a-z0-9]*(\s[^>]*)?>/i;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plain text becomes escaped paragraphs (blank lines separate them, single newlines become <br>). */
export function textToHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((para) => para.trim())
    .filter((para) => para.length > 0)
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** Descriptions may be plain text or simple HTML; anything without a tag is treated as text. */
export function descriptionToHtml(description: string): string {
  return HTML_TAG.test(description) ? description : textToHtml(description);
}

export function attributionLine(actor: Actor, verb: 'Created' | 'Updated' | 'Posted'): string {
  return `<p><em>${verb} via agent ${escapeHtml(actor.agentName)} for ${escapeHtml(actor.ownerEmail)}</em></p>`;
}

/**
 * The external id of a created object, derived only from the gateway's own ids so that a write
 * whose answer was lost can be looked up again (by this call, a later retry, or the reconciler
 * after a crash). With an idempotency key: the agent and the key, so every retry with the key
 * converges on one Tasker object. Without one: the decision the write rests on, so the call itself
 * (and the reconciler) can still find what it created. Only a direct adapter call with neither
 * (tests, tools) gets a fresh random id, which still makes its own attempts converge.
 */
export function externalIdFor(actor: Actor, kind: 'work-item' | 'comment', idempotencyKey?: string): string {
  if (idempotencyKey) return digestId(`${actor.agentId}\n${kind}\n${idempotencyKey}`);
  if (actor.decisionId) return digestId(`decision\n${actor.decisionId}\n${kind}`);
  return `gw-${randomUUID()}`;
}

function digestId(text: string): string {
  return `gw-${createHash('sha256').update(text).digest('hex').slice(0, 48)}`;
}
