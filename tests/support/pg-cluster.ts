/**
 * A throwaway PostgreSQL 15 cluster that a test owns, so it can stop, restart and freeze it (fault tests). Started
 * from /usr/lib/postgresql/15/bin as .ci/run does: as a non-root user when the tests run as root. Every signal goes
 * only to this cluster's own processes, by pid.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PG_BIN = '/usr/lib/postgresql/15/bin';
const OS_USER = 'iopci'; // the user .ci/run runs its cluster as

export interface TestCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  start(): Promise<void>;
  /** pg_ctl stop -m fast: connections are terminated (57P01), then it refuses new ones. */
  stop(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: it accepts TCP but never answers. */
  freeze(): Promise<void>;
  thaw(): void;
  destroy(): Promise<void>;
}

export function clusterAvailable(): boolean {
  return existsSync(path.join(PG_BIN, 'initdb')) && existsSync(path.join(PG_BIN, 'pg_ctl'));
}

export async function startCluster(): Promise<TestCluster> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await run('id', ['-u', OS_USER]).catch(() => run('useradd', ['--system', '--no-create-home', OS_USER]));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'iop-fault-pg-'));
  chmodSync(dataDir, 0o700);
  if (asRoot) await run('chown', [OS_USER, dataDir]);
  const port = await freePort();
  const sh = (command: string) => (asRoot ? run('su', ['-s', '/bin/bash', OS_USER, '-c', command]) : run('bash', ['-c', command]));
  await sh(`${PG_BIN}/initdb -D ${dataDir} -U postgres --auth=trust -E UTF8 >/dev/null`);
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off`;
  const start = () => sh(`${PG_BIN}/pg_ctl -D ${dataDir} -o '${options}' -l ${dataDir}/log -w start >/dev/null`).then(() => undefined);
  await start();
  let frozen: number[] = [];
  const processes = async (): Promise<number[]> => {
    const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(postmaster)]);
    return [postmaster, ...stdout.split('\n').map((l) => Number(l.trim())).filter((pid) => pid > 0)];
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop: () => sh(`${PG_BIN}/pg_ctl -D ${dataDir} -m fast -w stop >/dev/null`).then(() => undefined),
    async freeze() {
      frozen = await processes();
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      frozen = [];
    },
    destroy: async () => {
      // Whatever state a failed test left it in: every process of this cluster continues, then stops for good.
      for (const pid of [...frozen, ...(await processes().catch(() => []))]) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // already gone
        }
      }
      await sh(`${PG_BIN}/pg_ctl -D ${dataDir} -m immediate -w stop >/dev/null`).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
