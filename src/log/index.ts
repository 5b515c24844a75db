/** Logging: winston JSON lines with secrets redacted. */
export { createLogger, silentLogger, type Logger, type LoggerOptions } from './logger.js';
export { redactString, redactValue, REDACTED } from './redact.js';
export { markDecided, takeDecided } from './decided-requests.js';
