import winston from 'winston';

/** The engine only needs to say one clear line when it refuses a build or swaps one in. */
export interface PolicyLogger {
  error(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
}

let fallback: PolicyLogger | undefined;

/** A JSON-lines logger on stderr, used when the caller does not hand in the service's own logger. */
export function defaultPolicyLogger(): PolicyLogger {
  fallback ??= winston.createLogger({
    level: process.env.LOG_LEVEL ?? 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    defaultMeta: { component: 'policy' },
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
  return fallback;
}
