import Transport from 'winston-transport';
import { createLogger, type Logger } from '../../src/log/index.js';

/** A winston transport that keeps every formatted line, so tests can grep the logs. */
export class CapturingTransport extends Transport {
  readonly lines: string[] = [];

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const formatted = info[Symbol.for('message')];
    this.lines.push(typeof formatted === 'string' ? formatted : JSON.stringify(info));
    next();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

export function capturingLogger(level = 'debug'): { logger: Logger; capture: CapturingTransport } {
  const capture = new CapturingTransport();
  return { logger: createLogger({ level, transports: [capture] }), capture };
}
