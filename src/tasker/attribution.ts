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
 * The external id of a created object. With an idempotency key it is derived from the agent and
 * the key, so the same logical write always maps to the same Tasker object (Tasker answers 409
 * with the existing id); without one it is fresh per operation, which still makes the adapter's
 * own retries of that one operation safe.
 */
export function externalIdFor(actor: Actor, kind: 'work-item' | 'comment', idempotencyKey?: string): string {
  if (!idempotencyKey) return `gw-${randomUUID()}`;
  const digest = createHash('sha256').update(`${actor.agentId}\n${kind}\n${idempotencyKey}`).digest('hex');
  return `gw-${digest.slice(0, 48)}`;
}
