import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import winston from 'winston';
import {
  AuditCheckpointer,
  AuditLog,
  parseCheckpoint,
  publicKeyFrom,
  resolveSigningKey,
  verifyChain,
  verifyCheckpointInChain,
  verifyCheckpointSignature,
  type CheckpointPublicKey,
  type SignedCheckpoint,
} from '../../audit/index.js';
import { ConfigError, type GatewayConfig } from '../../config/index.js';
import { resolveRuntime } from '../../gateway/index.js';
import { createLogger, type Logger } from '../../log/index.js';
import { createOrm, type EntityManager } from '../../store/index.js';
import type { CliCommand } from '../main.js';
import { configOrReport } from './config-errors.js';

const USAGE = `usage: agent-gateway audit verify [--checkpoint FILE [--public-key FILE]]
       agent-gateway audit checkpoint [--out FILE]
  verify      walks the audit hash chain; exits 1 naming the first broken event. With --checkpoint,
              also checks the checkpoint's signature and that the chain still holds the event it
              signed (exit 1 naming the checkpoint's seq). The key is the gateway's own
              (AUDIT_SIGNING_KEY, AUDIT_SIGNING_KEY_FILE or DATA_DIR/audit-signing-key.pem) unless
              --public-key names a PEM public key (the one /api/v1/meta/capabilities publishes)
  checkpoint  signs the chain head (recorded in the chain) and writes the checkpoint as JSON
`;

class UsageError extends Error {}

/** Opens the gateway's database (the embedded one is shared with a running gateway) for `fn`. */
async function withDatabase<T>(config: GatewayConfig, logger: Logger, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  const runtime = await resolveRuntime(config, logger, 'share', false);
  try {
    const orm = await createOrm({ databaseUrl: runtime.config.databaseUrl, poolMax: 2 });
    try {
      return await fn(orm.em);
    } finally {
      await orm.close(true);
    }
  } finally {
    await runtime.stop();
  }
}

function readCheckpointFile(file: string): SignedCheckpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read checkpoint ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return parseCheckpoint(JSON.parse(text));
  } catch (err) {
    throw new UsageError(`${file} is not a checkpoint: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The key a checkpoint is trusted under: `--public-key`, else the gateway's own key; never one named by the checkpoint. */
async function trustedKey(config: GatewayConfig, publicKeyFile: string | undefined): Promise<CheckpointPublicKey> {
  if (publicKeyFile) {
    try {
      return publicKeyFrom(readFileSync(publicKeyFile, 'utf8'));
    } catch (err) {
      throw new UsageError(`${publicKeyFile} is not an Ed25519 PEM key: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const own = await resolveSigningKey(config, { create: false });
  if (!own) throw new UsageError(`no key to verify with: pass --public-key FILE, or set AUDIT_SIGNING_KEY, AUDIT_SIGNING_KEY_FILE or the DATA_DIR that holds audit-signing-key.pem`);
  return own;
}

async function checkChain(em: EntityManager): Promise<boolean> {
  const verdict = await verifyChain(em.fork());
  if (verdict.ok) {
    process.stdout.write(`audit chain ok: ${verdict.checked} events verified${verdict.lastSeq ? ` (last seq ${verdict.lastSeq})` : ''}\n`);
    return true;
  }
  process.stdout.write(`audit chain BROKEN at event seq ${verdict.brokenSeq}: ${verdict.reason} (${verdict.checked} events before it verified)\n`);
  return false;
}

async function checkCheckpoint(em: EntityManager, checkpoint: SignedCheckpoint, key: CheckpointPublicKey): Promise<boolean> {
  const verdict = await verifyCheckpointInChain(em.fork(), checkpoint, key);
  if (verdict.ok) {
    process.stdout.write(`checkpoint seq ${checkpoint.seq} ok: signed by key ${checkpoint.key_id} at ${checkpoint.time}; the chain still holds event ${checkpoint.seq} with that hash\n`);
    return true;
  }
  process.stdout.write(`audit chain BROKEN against checkpoint seq ${verdict.seq}: ${verdict.reason}\n`);
  return false;
}

async function verify(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { checkpoint: { type: 'string' }, 'public-key': { type: 'string' } }, strict: true, allowPositionals: false });
  if (values['public-key'] && !values.checkpoint) throw new UsageError('--public-key needs --checkpoint');
  const config = configOrReport();
  if (!config) return 2;
  const logger = createLogger({ level: 'warn' });
  if (!values.checkpoint) return (await withDatabase(config, logger, checkChain)) ? 0 : 1;
  const checkpoint = readCheckpointFile(values.checkpoint);
  const key = await trustedKey(config, values['public-key']);
  // A checkpoint that is not the trusted key's word proves nothing: refused before the chain is read.
  const signature = verifyCheckpointSignature(checkpoint, key);
  if (!signature.ok) {
    process.stdout.write(`checkpoint seq ${checkpoint.seq} REFUSED: ${signature.reason}\n`);
    return 1;
  }
  return withDatabase(config, logger, async (em) => {
    const held = await checkCheckpoint(em, checkpoint, key);
    const chained = await checkChain(em);
    return held && chained ? 0 : 1;
  });
}

/** Log lines go to stderr, so stdout carries only the checkpoint. */
function stderrLogger(level: string): Logger {
  return createLogger({ level, transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] })] });
}

async function checkpoint(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
  const config = configOrReport();
  if (!config) return 2;
  const logger = stderrLogger(config.logLevel);
  const key = (await resolveSigningKey(config, { create: true }))!;
  const result = await withDatabase(config, logger, (em) => {
    const checkpointer = new AuditCheckpointer({ em, audit: new AuditLog(), key, logger, intervalSeconds: 0 });
    return checkpointer.checkpoint({ type: 'system', id: 'cli' });
  });
  if (!result) {
    process.stderr.write('agent-gateway: the audit chain is empty: there is no head to sign\n');
    return 1;
  }
  const json = JSON.stringify(result.checkpoint, null, 2) + '\n';
  if (!values.out) {
    process.stdout.write(json);
    return 0;
  }
  await writeFile(values.out, json);
  process.stderr.write(`checkpoint seq ${result.checkpoint.seq} written to ${values.out}\n`);
  return 0;
}

const audit: CliCommand = {
  summary: 'audit verify | checkpoint: check the audit hash chain, sign its head',
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args;
    try {
      if (sub === 'verify') return await verify(rest);
      if (sub === 'checkpoint') return await checkpoint(rest);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`agent-gateway: invalid configuration: ${err.message}\n`);
        return 2;
      }
      // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or incomplete options.
      const parseError = (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      if (!(err instanceof UsageError) && !parseError) throw err;
      process.stderr.write(`agent-gateway audit: ${(err as Error).message}\n`);
    }
    process.stderr.write(USAGE);
    return 2;
  },
};

export default audit;
