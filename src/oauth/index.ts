/** The gateway's own OAuth 2.1 authorization server (oidc-provider) and the bridge to agent tokens. */
export { oauthExtension } from './extension.js';
export { OAuthServer, consentPath } from './server.js';
export { OAuthBindings, type OAuthBinding } from './bindings.js';
export { oauthUrls, OAUTH_PATHS, type OAuthUrls } from './urls.js';
export { OAUTH_SCOPES } from './metadata.js';
