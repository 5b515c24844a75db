/** Configuration: environment variables with defaults, validated once at start. */
export { type GatewayConfig, DEFAULT_DATA_DIR } from './config.js';
export { type OidcConfig, publicOrigin } from './config.js';
export { loadConfig, ConfigError } from './load.js';
export { decodeSecretKey, encodeSecretKey, SECRET_KEY_MIN_BYTES } from './secret-key.js';
