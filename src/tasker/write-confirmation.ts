import { GatewayError, isGatewayError } from '../errors/index.js';
import { sleep } from './retry.js';

/**
 * Honest write outcomes: a write is sent once (see PlaneRequest.sendOnce); when its answer is lost
 * Tasker is read back to decide whether it landed. Creates are found by their external id; the
 * other writes set values, so the object is read and compared with what was sent.
 */

/**
 * What reading Tasker back says about one write: the tool result when it landed, else null. Its
 * requests must be done by `deadline`, so a slow Tasker cannot stretch the read-back.
 */
export type LandedCheck<T> = (deadline: number) => Promise<T | null>;

/** Pauses between read-backs: a request that timed out often lands a moment later. */
const CONFIRM_PAUSES_MS = [0, 250, 750, 1_500, 3_000];

export function isOutcomeUnknown(err: unknown): err is GatewayError {
  return isGatewayError(err) && err.code === 'tasker_outcome_unknown';
}

/**
 * Sends a write; when its answer is lost, reads Tasker back until `confirmMs` is spent. Found: the
 * write's result. Still not found (or Tasker cannot be read): `tasker_outcome_unknown`, which the
 * mediator records as unknown and reconciles later.
 */
export async function sendAndConfirm<T>(send: () => Promise<T>, landed: LandedCheck<T>, confirmMs: number): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!isOutcomeUnknown(err)) throw err;
    const found = await readBack(landed, confirmMs);
    if (found !== null) return found;
    throw new GatewayError('tasker_outcome_unknown', err.message, { context: { ...err.context, checked: true } });
  }
}

async function readBack<T>(landed: LandedCheck<T>, confirmMs: number): Promise<T | null> {
  const giveUpAt = Date.now() + confirmMs;
  let waited = 0;
  for (const pause of CONFIRM_PAUSES_MS) {
    const delay = pause - waited;
    if (Date.now() + delay > giveUpAt) return null;
    if (delay > 0) await sleep(delay);
    waited = pause;
    try {
      const found = await landed(giveUpAt);
      if (found !== null) return found;
    } catch {
      // Tasker could not be read: as undecided as not found; the reconciler tries again later.
    }
  }
  return null;
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ', '&amp;': '&' };

/**
 * Text of server-normalised HTML, for comparing descriptions without comparing markup: tags go,
 * entities are decoded (a server may escape markup it does not keep), and tags that decoding
 * revealed go too.
 */
function textOf(html: unknown): string {
  const stripTags = (text: string) => text.replace(/<[^>]*>/g, ' ');
  const decoded = stripTags(String(html ?? '')).replace(/&(lt|gt|quot|#39|nbsp|amp);/g, (entity) => ENTITIES[entity]!);
  return stripTags(decoded).replace(/\s+/g, ' ').trim();
}

function sameSet(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  const left = new Set(a.map(String));
  return left.size === new Set(b.map(String)).size && b.every((v) => left.has(String(v)));
}

/** True when the Plane object carries every field of a PATCH body (sets as sets, HTML as text). */
export function carriesFields(object: Record<string, unknown>, body: Record<string, unknown>): boolean {
  return Object.entries(body).every(([field, sent]) => {
    const now = object[field];
    if (field === 'assignees' || field === 'labels') return sameSet(now, sent);
    if (field === 'description_html') return textOf(now) === textOf(sent);
    return (now ?? null) === (sent ?? null);
  });
}
