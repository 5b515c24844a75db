import winston from 'winston';
import type Transport from 'winston-transport';
import { BatchedStdoutTransport } from './batched-stdout.js';
import { redactValue } from './redact.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to JSON on stdout, written once per event-loop turn. Tests pass a capturing transport. */
  transports?: Transport[];
  /** Fields on every line, e.g. `{service: 'agent-gateway'}`. */
  defaultMeta?: Record<string, unknown>;
}

/** Runs every field of a log entry through the redactor, the message included. */
const redactFormat = winston.format((info) => {
  const cleaned = redactValue({ ...info }) as Record<string, unknown>;
  for (const key of Object.keys(cleaned)) (info as Record<string, unknown>)[key] = cleaned[key];
  return info;
});

export function createLogger(options: LoggerOptions = {}): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: 'agent-gateway', ...options.defaultMeta },
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
    transports: options.transports ?? [new BatchedStdoutTransport()],
  });
}

/** A logger that drops everything, for library callers that pass none. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
