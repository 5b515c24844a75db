/** The owner console: server-rendered pages under /console/ on the same services as the internal API. */
export { consoleExtension, type ConsoleExtensionOptions } from './extension.js';
export { AccountService } from './accounts.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { CONTENT_SECURITY_POLICY } from './security.js';
export { webhookBody } from './webhook.js';
