import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = resolve(ROOT, 'apps/api/src/main.ts');
const WORKER = resolve(ROOT, 'apps/api/src/worker.ts');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
/**
 * As `npm run api` starts it (apps/api/package.json): a 64 MB young generation. The API allocates a lot of
 * short-lived objects per request; with V8's default (16 MB) its scavenges cost ~15 % more CPU per hold
 * (docs/reservations.md), so benchmarks and tests run it the way production does.
 */
const NODE_FLAGS = ['--max-semi-space-size=64'];

/**
 * The fields of a `/proc/.../stat` file after the command name (which may hold spaces and parentheses): index 0
 * is the state (field 3 of proc(5)), 1 the ppid, 2 the pgrp, 11-12 utime and stime, 16 the niceness.
 */
export function procStatFields(path: string): string[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export interface RunningApi {
  /** Origin of the API, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  /** The process started (tsx), which leads its own process group: every process of this API has it as pgid. */
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Boots a real API as a child process (`tsx apps/api/src/main.ts`) on a free port and waits until /health
 * answers. `env` is laid over the parent environment (e.g. DATABASE_URL, REDIS_URL, REDIS_PREFIX); API_PORT
 * defaults to 0 (a free port) and API_HOST to 127.0.0.1. Several APIs may share one database and Redis, which
 * is how two-process tests run. Output is echoed when `API_HARNESS_VERBOSE=1`, and always on a failed start.
 */
export function startApi(env: Record<string, string>): Promise<RunningApi> {
  return boot(MAIN, 'api', env);
}

/**
 * Boots `npm run worker` (apps/api/src/worker.ts) the same way: it drives the workflow runs of APIs started with
 * WORKFLOW_RUNNER=off on the same database and Redis prefix. `url` is its /health, /ready and /metrics origin.
 */
export function startWorker(env: Record<string, string>): Promise<RunningApi> {
  return boot(WORKER, 'worker', { WORKER_PORT: '0', ...env });
}

async function boot(entry: string, kind: 'api' | 'worker', env: Record<string, string>): Promise<RunningApi> {
  const child = spawn(TSX, [...NODE_FLAGS, entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so stop() can also end anything tsx started.
    detached: true,
  });
  const verbose = process.env.API_HARNESS_VERBOSE === '1';
  let output = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    if (verbose) process.stderr.write(`[${kind} ${child.pid}] ${text}`);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  let stopped = false;
  const stop = async () => {
    if (stopped) return exited;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      signal(child, 'SIGTERM');
      const killer = setTimeout(() => signal(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
  };

  try {
    const url = await waitForListening(kind, () => output, exited, 60_000);
    await waitForHealth(url, 30_000);
    return { url, pid: child.pid ?? 0, stop };
  } catch (error) {
    await stop();
    throw new Error(`${kind} did not start: ${(error as Error).message}\n--- output ---\n${output}`);
  }
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
  }
}

async function waitForListening(
  kind: string,
  output: () => string,
  exited: Promise<void>,
  timeoutMs: number,
): Promise<string> {
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = new RegExp(`${kind} listening on (http://[^\\s/]+:\\d+)`).exec(output());
    if (match?.[1]) return match[1];
    if (dead) throw new Error('process exited before listening');
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no "${kind} listening on" line within ${timeoutMs} ms`);
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/health did not answer within ${timeoutMs} ms`);
}
