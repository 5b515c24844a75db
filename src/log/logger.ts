import winston from 'winston';
import type Transport from 'winston-transport';
import { BatchedStdoutTransport } from './batched-stdout.js';
import { redactInPlace } from './redact.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to JSON on stdout, written once per event-loop turn. Tests pass a capturing transport. */
  transports?: Transport[];
  /** Fields on every line, e.g. `{service: 'agent-gateway'}`. */
  defaultMeta?: Record<string, unknown>;
}

/** triple-beam's MESSAGE: where the finished line goes. */
const MESSAGE = Symbol.for('message');

/** Runs every field of a log entry through the redactor, the message included. */
const redactFormat = winston.format((info) => {
  redactInPlace(info as Record<string, unknown>);
  return info;
});

/** Winston's own json format, for an entry JSON.stringify refuses (a bigint, a cycle). */
const winstonJson = winston.format.json();

/**
 * The line as JSON, in the entry's own key order: the native JSON.stringify, not winston's json
 * format, which configures safe-stable-stringify anew and sorts the keys on every line (a profile
 * of the request path put it at about a third of the decision line's cost). An entry it refuses
 * gets winston's form (bigints as strings, cycles marked); after the redactor a cycle cannot
 * remain (it cuts at depth 8), so that is only ever a bigint.
 */
const jsonLine = winston.format((info) => {
  try {
    (info as Record<symbol, unknown>)[MESSAGE] = JSON.stringify(info);
    return info;
  } catch {
    return winstonJson.transform(info, winstonJson.options);
  }
});

export function createLogger(options: LoggerOptions = {}): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: 'agent-gateway', ...options.defaultMeta },
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), jsonLine()),
    transports: options.transports ?? [new BatchedStdoutTransport()],
  });
}

/** A logger that drops everything, for library callers that pass none. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
