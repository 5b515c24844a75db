/** Test helpers shared by every stage's tests. */
export { testDatabaseUrl, createTestDatabase, dropTestDatabase, SERVER_URL } from './database.js';
export { startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.js';
export { call, InternalClient, agentWithToken, randomAddress, type HttpResult, type RequestOptions } from './http.js';
export { capturingLogger, CapturingTransport } from './logs.js';
export { runCli, type CliResult } from './cli.js';
