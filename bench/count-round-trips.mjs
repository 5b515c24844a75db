/**
 * Preloaded into the benchmark's gateway process (`node --import`): counts what one call costs in
 * round trips, so the benchmark can report them per call next to the CPU figures:
 *   - statements sent to PostgreSQL (every `pg` Client query: the ORM's, the prepared hot-path
 *     statements, BEGIN/COMMIT, the audit batches and the notification listener's heartbeat),
 *     by statement (its prepared name, else its first words);
 *   - HTTP requests to Tasker (undici's `undici:request:create` diagnostics channel), by path.
 * On SIGUSR2 it writes the counts so far to BENCH_COUNTS_FILE (JSON, with a sequence number).
 * Plain JavaScript, so the gateway runs as `npm start` runs it, without a TypeScript loader.
 */
import { createRequire } from 'node:module';
import diagnostics from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_COUNTS_FILE;
const require = createRequire(`${process.cwd()}/package.json`);
const pg = require('pg');

const counts = { seq: 0, pg: 0, tasker: 0, statements: {}, requests: {} };
const bump = (table, key) => {
  table[key] = (table[key] ?? 0) + 1;
};

function statementName(config) {
  if (config && typeof config === 'object') return config.name ? `prepared ${config.name}` : words(config.text);
  return words(config);
}

function words(text) {
  // Cut first: the ORM's statements are long, and this runs on every statement of the gateway.
  return typeof text === 'string' ? text.slice(0, 80).trim().replace(/\s+/g, ' ').slice(0, 60) : String(text);
}

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(config, ...rest) {
  counts.pg += 1;
  bump(counts.statements, statementName(config));
  return query.call(this, config, ...rest);
};

diagnostics.channel('undici:request:create').subscribe(({ request }) => {
  counts.tasker += 1;
  bump(counts.requests, `${request.method} ${String(request.path).split('?')[0].replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')}`);
});

if (file) {
  process.on('SIGUSR2', () => {
    counts.seq += 1;
    writeFileSync(file, JSON.stringify(counts));
  });
}
