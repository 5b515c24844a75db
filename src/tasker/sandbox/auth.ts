/**
 * Authentication and permission (TASKER_API.md section 2): `X-API-Key` maps to exactly one user;
 * every permission is a membership check on that user. Keys are kept only as SHA-256 hashes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { PlaneHttpError, forbidden } from './http-io.js';
import type { ApiKeyRecord, User } from './model.js';
import type { SandboxStore } from './store.js';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const MISSING = new PlaneHttpError(401, { detail: 'Authentication credentials were not provided.' });
const INVALID = new PlaneHttpError(403, { detail: 'Given API token is not valid' });

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

function isUsable(record: ApiKeyRecord, now: number): boolean {
  return record.is_active && (record.expired_at === null || Date.parse(record.expired_at) > now);
}

/** Resolves the calling user or throws Plane's 401/403. */
export function authenticate(store: SandboxStore, header: string | undefined): User {
  if (!header) throw MISSING;
  const hash = hashApiKey(header);
  const now = Date.now();
  const record = store.data.apiKeys.find((k) => sameHash(k.key_hash, hash));
  if (!record || !isUsable(record, now)) throw INVALID;
  const user = store.user(record.user);
  if (!user) throw INVALID;
  record.last_used = new Date(now).toISOString();
  return user;
}

/**
 * Which permission class guards a route, after Plane's classes:
 * - `user`: any valid key (users/me);
 * - `workspace`: an active workspace member (projects, search);
 * - `workspace-staff`: workspace admin or member (workspace members);
 * - `project-entity`: reads need project membership, writes role 20 or 15;
 * - `project-lite`: any active project member, guests included, for every method (comments);
 * - `project-members`: reads by any workspace member (project members list).
 */
export type Access = 'user' | 'workspace' | 'workspace-staff' | 'project-entity' | 'project-lite' | 'project-members';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AccessTarget {
  slug?: string;
  projectId?: string;
}

/** Throws Plane's 403 unless `user` may call `method` under `access`. */
export function checkAccess(store: SandboxStore, user: User, access: Access, method: string, target: AccessTarget): void {
  if (access === 'user') return;
  if (target.slug !== store.data.workspace.slug) throw forbidden();
  const wsMember = store.workspaceMembership(user.id);
  if (!wsMember) throw forbidden();
  if (access === 'workspace' || access === 'project-members') return;
  if (access === 'workspace-staff') {
    if (wsMember.role < 15) throw forbidden();
    return;
  }
  const membership = target.projectId ? store.projectMembership(target.projectId, user.id) : undefined;
  if (!membership || !store.project(membership.project)) throw forbidden();
  if (access === 'project-lite' || SAFE_METHODS.has(method)) return;
  if (membership.role < 15) throw forbidden();
}
