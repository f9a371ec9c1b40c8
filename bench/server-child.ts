/**
 * The server under test runs as `npm start` runs it — the compiled build (`npm run bench` builds it first),
 * with WORKERS server processes (the same setting and default as the server: one per core) — against the bench
 * database, so its memory is measured apart from the load generator: VmRSS from /proc/<pid>/status, summed over the
 * primary and its workers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readConfig } from '../server/src/config';
import { findFreePort } from '../server/src/store/embedded-postgres';

export interface ServerChild {
  pid: number;
  /** Server processes answering requests (WORKERS; 1 means the process itself). */
  workers: number;
  /** FHIR base, e.g. http://127.0.0.1:40123/fhir */
  fhirBase: string;
  origin: string;
  rssMiB(): number;
  /** Peak resident set of each process since it started (VmHWM), summed. */
  peakRssMiB(): number;
  /** Peak resident set (VmHWM) of each process: the primary first, then its workers. */
  peakRssMiBPerProcess(): number[];
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..');

export async function startServerChild(databaseUrl: string, log: (line: string) => void, nodeArgs: string[] = []): Promise<ServerChild> {
  const port = await findFreePort();
  const origin = `http://127.0.0.1:${port}`;
  const entry = path.join(ROOT, 'dist/server/src/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run the bench with npm run bench (it builds first), or npm run build`);
  const workers = readConfig(process.env).workers;
  const child = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', '--expose-gc', entry], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), BASE_URL: origin, DEMO: '0', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (!child.pid) throw new Error('could not start the server process');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitUntilReady(origin, child, exited);
  const pid = child.pid;
  log(`server: pid ${pid} listening on ${origin} (node dist/server/src/main.js, WORKERS=${workers}: ${workers === 1 ? 'one process' : `a primary and ${workers} worker processes`})`);
  return {
    pid,
    workers,
    fhirBase: `${origin}/fhir`,
    origin,
    rssMiB: () => sumOverTree(pid, 'VmRSS'),
    peakRssMiB: () => sumOverTree(pid, 'VmHWM'),
    peakRssMiBPerProcess: () => [pid, ...childrenOf(pid)].map((p) => readStatusMiB(p, 'VmHWM')),
    stop: () => stopChild(child, exited),
  };
}

async function waitUntilReady(origin: string, child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (done) throw new Error(`the server process exited during start (code ${child.exitCode})`);
    try {
      const res = await fetch(`${origin}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('the server did not become ready within 120 s');
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timeout = sleep(15_000).then(() => 'timeout' as const);
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** The field summed over the process and its children (a cluster primary and its workers). */
function sumOverTree(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const pids = [pid, ...childrenOf(pid)];
  return Math.round(pids.reduce((sum, p) => sum + (readStatusMiB(p, field) || 0), 0) * 10) / 10;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function readStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples the server's RSS while a phase runs; reports the highest value seen. */
export class RssSampler {
  private peak = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly server: ServerChild) {}

  start(): this {
    this.peak = this.server.rssMiB();
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, this.server.rssMiB());
    }, 100);
    return this;
  }

  stop(): { rssMiBPeak: number; rssMiBEnd: number } {
    clearInterval(this.timer);
    const end = this.server.rssMiB();
    return { rssMiBPeak: Math.max(this.peak, end), rssMiBEnd: end };
  }
}
