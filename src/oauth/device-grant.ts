/**
 * The RFC 8628 device authorization grant on top of the pairing flow (src/pairing/device-flow.ts):
 * the device authorization endpoint starts a pairing flow, the owner approves its user code on the
 * console's /console/pair page (binding it to an agent and choosing grants), and the token endpoint
 * answers the device_code grant from the flow's poll. oidc-provider's own device flow is off: its
 * codes would not reach the console's approval page nor mint the gateway's agent tokens, so these
 * two requests are answered here, before the provider sees them (mount `deviceGrantRouter` first).
 *
 * Access tokens are the pairing flow's agent tokens (PAIRED_TOKEN_TTL_SECONDS), without a refresh
 * token: a device that pairs this way pairs again when its token ends, as `connect` does.
 */
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { publicOrigin } from '../config/index.js';
import { GatewayError, isGatewayError } from '../errors/index.js';
import type { HttpDeps } from '../http/deps.js';
import { clientAddress, requestIdOf } from '../http/request-context.js';
import { resolveDeviceClient } from './device-grant-client.js';
import { DeviceCodes } from './device-grant-code.js';
import { deviceGrantError, oauthErrorFromGateway, sendOAuthError, type OAuthError } from './device-grant-errors.js';
import { OAUTH_SCOPES } from './metadata.js';
import { OAUTH_PATHS, oauthUrls } from './urls.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export type DeviceGrantDeps = Pick<HttpDeps, 'config' | 'orm' | 'audit' | 'pairing' | 'logger'>;

const urlencoded = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

/** Form bodies (RFC 6749 §4.1.3), small; one that cannot be read is an OAuth `invalid_request`, not the app's JSON error. */
const formBody: RequestHandler = (req, res, next) =>
  urlencoded(req, res, (err?: unknown) => {
    if (err) return sendOAuthError(res, deviceGrantError('invalid_request', 'The request body could not be read as a small form.'));
    next();
  });

function param(req: Request, name: string): string | undefined {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The requested scopes, all of them known; absent = `tasker`. No refresh token, so offline_access is not granted. */
function grantedScope(requested: string | undefined): string | OAuthError {
  const scopes = (requested ?? 'tasker').split(' ').filter(Boolean);
  const unknown = scopes.find((s) => !(OAUTH_SCOPES as readonly string[]).includes(s));
  if (unknown) return deviceGrantError('invalid_scope', `Unknown scope "${unknown.slice(0, 40)}"; this server knows ${OAUTH_SCOPES.join(' ')}.`);
  return 'tasker';
}

/** RFC 8707: a resource, when named, must be the gateway's MCP endpoint. */
function checkResource(req: Request, deps: DeviceGrantDeps): OAuthError | undefined {
  const resource = param(req, 'resource');
  if (resource === undefined || resource === oauthUrls(publicOrigin(deps.config)).mcpResource) return undefined;
  return deviceGrantError('invalid_target', 'The resource must be this gateway\'s MCP endpoint.');
}

function sendJson(res: Response, status: number, body: Record<string, unknown>): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.status(status).json(body);
}

/** Handlers run async: anything thrown becomes an OAuth error answer, never a stack trace. */
function guarded(deps: DeviceGrantDeps, handler: (req: Request, res: Response, next: NextFunction) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    handler(req, res, next).catch((err: unknown) => {
      if (!isGatewayError(err) || err.status >= 500) {
        const cause = isGatewayError(err) ? (err as { cause?: unknown }).cause : err;
        deps.logger.error('device grant request failed', { request_id: requestIdOf(res), error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause), stack: cause instanceof Error ? cause.stack : undefined });
      }
      sendOAuthError(res, oauthErrorFromGateway(err));
    });
  };
}

function deviceCodes(deps: DeviceGrantDeps): DeviceCodes {
  if (!deps.config.secretKey) throw new Error('the device grant needs config.secretKey (resolved at start)');
  return new DeviceCodes(deps.config.secretKey);
}

/** POST /oauth/device/auth (RFC 8628 §3.1-3.2). */
export function deviceAuthorizationHandler(deps: DeviceGrantDeps): RequestHandler {
  const codes = deviceCodes(deps);
  return guarded(deps, async (req, res) => {
    const clientId = param(req, 'client_id');
    if (!clientId) return sendOAuthError(res, deviceGrantError('invalid_request', 'client_id is required.'));
    const scope = grantedScope(param(req, 'scope'));
    if (typeof scope !== 'string') return sendOAuthError(res, scope);
    const wrongResource = checkResource(req, deps);
    if (wrongResource) return sendOAuthError(res, wrongResource);
    const client = await resolveDeviceClient(clientId, deps);
    if (!client) return sendOAuthError(res, deviceGrantError('invalid_client', 'Unknown client: register it, or use a client-ID metadata document URL as client_id.'));
    const address = clientAddress(req);
    const flow = await deps.pairing.flows.start(client.label, address, requestIdOf(res));
    await recordAuthorization(deps, flow.flow_id, client.clientId, address, requestIdOf(res));
    sendJson(res, 200, {
      device_code: codes.issue(flow.flow_id, flow.flow_secret, client.clientId),
      user_code: flow.user_code,
      verification_uri: flow.verification_uri,
      verification_uri_complete: flow.verification_uri_complete,
      expires_in: flow.expires_in,
      interval: flow.interval,
    });
  });
}

/** Which client started the flow: the pairing flow's own events name the device, this one the OAuth client. */
async function recordAuthorization(deps: DeviceGrantDeps, flowId: string, clientId: string, address: string, requestId: string): Promise<void> {
  try {
    await deps.audit.append(deps.orm.em.fork(), {
      kind: 'oauth.device_authorization',
      actor: { type: 'anonymous', id: address },
      subject: { type: 'pairing_flow', id: flowId },
      requestId,
      outcome: 'success',
      detail: { client_id: clientId.slice(0, 200), grant_type: DEVICE_CODE_GRANT },
    });
  } catch (cause) {
    throw new GatewayError('audit_unavailable', 'The device authorization could not be recorded; try again.', { cause });
  }
}

/** POST /oauth/token for grant_type device_code (RFC 8628 §3.4-3.5); any other grant goes on to the provider. */
export function deviceTokenHandler(deps: DeviceGrantDeps): RequestHandler {
  const codes = deviceCodes(deps);
  return guarded(deps, async (req, res, next) => {
    if (param(req, 'grant_type') !== DEVICE_CODE_GRANT) return next();
    const clientId = param(req, 'client_id');
    const deviceCode = param(req, 'device_code');
    if (!clientId || !deviceCode) return sendOAuthError(res, deviceGrantError('invalid_request', 'client_id and device_code are required.'));
    const wrongResource = checkResource(req, deps);
    if (wrongResource) return sendOAuthError(res, wrongResource);
    const address = clientAddress(req);
    const code = codes.open(deviceCode, clientId);
    if (!code) {
      // A forged or foreign code counts against the address like a wrong flow secret does.
      await deps.pairing.guard.admit(address);
      await deps.pairing.guard.fail(address, requestIdOf(res));
      return sendOAuthError(res, deviceGrantError('invalid_grant', 'The device_code is not valid for this client.'));
    }
    const token = await deps.pairing.flows.poll(code.flowId, code.flowSecret, address, requestIdOf(res));
    const expiresIn = token.token.expires_at ? Math.max(0, Math.floor((Date.parse(token.token.expires_at) - Date.now()) / 1000)) : undefined;
    sendJson(res, 200, { access_token: token.secret, token_type: 'Bearer', ...(expiresIn !== undefined ? { expires_in: expiresIn } : {}), scope: 'tasker' });
  });
}

/**
 * Both endpoints, for mounting at the app's root before oidc-provider (and before the JSON-only
 * body guard: these bodies are form-encoded). Requests for other grants pass through untouched.
 */
export function deviceGrantRouter(deps: DeviceGrantDeps): Router {
  const router = Router();
  router.post(OAUTH_PATHS.deviceAuthorization, formBody, deviceAuthorizationHandler(deps));
  router.post(OAUTH_PATHS.token, formBody, deviceTokenHandler(deps));
  return router;
}

/** The name the authorization server's brief expects: the same router, a RequestHandler for `app.use`. */
export const deviceGrantHandler = (deps: DeviceGrantDeps): RequestHandler => deviceGrantRouter(deps);
