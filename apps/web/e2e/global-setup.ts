/**
 * Brings up a real stack for the browser tests and returns its teardown:
 *   1. `next build` into .next-e2e (in parallel with 2-3; skipped with E2E_SKIP_BUILD=1 when a build exists),
 *   2. a fresh MariaDB database `concert_test_e2e` with a small fixed data set (e2e/support/stack.ts via tsx),
 *   3. the API (tsx apps/api/src/main.ts) on E2E_API_PORT with its own Redis key prefix,
 *   4. `next start` on E2E_WEB_PORT, pointed at that API at run time (one build serves any API URL).
 * Every child runs in its own process group and is killed by group on teardown; logs go to a temp directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2E_ADMIN_TOKEN, E2E_AUTH_SECRET } from './support/fixtures';
import { E2E_API_PORT, E2E_WEB_PORT } from './support/ports';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const rootDir = path.resolve(webDir, '../..');
const bin = (name: string) => path.join(rootDir, 'node_modules/.bin', name);
const DB_NAME = 'e2e';
const DIST_DIR = '.next-e2e';

interface Started {
  name: string;
  child: ChildProcess;
  log: string;
}

function start(name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logDir: string) {
  const log = path.join(logDir, `${name}.log`);
  const out = createWriteStream(log);
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return { name, child, log } satisfies Started;
}

function exited(p: Started): Promise<number> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) resolve(p.child.exitCode);
    else p.child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function runToEnd(p: Started): Promise<void> {
  const code = await exited(p);
  if (code !== 0) throw new Error(`${p.name} failed (exit ${code}); see ${p.log}`);
}

async function waitForHttp(url: string, p: Started, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited (code ${p.child.exitCode}); see ${p.log}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${p.name} did not answer ${url} within ${timeoutMs / 1000} s; see ${p.log}`);
}

/** Fail early and clearly when another process already listens where the stack wants to. */
function assertPortFree(port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', () => reject(new Error(`port ${port} is in use: set ${variable} to a free port`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

async function killGroup(p: Started): Promise<void> {
  if (p.child.exitCode !== null || p.child.pid === undefined) return;
  const pid = p.child.pid;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const done = await Promise.race([exited(p).then(() => true), new Promise((r) => setTimeout(() => r(false), 8_000))]);
  if (!done) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function prepareDatabase(logDir: string): Promise<string> {
  const p = start(
    'db-prepare',
    bin('tsx'),
    ['apps/web/e2e/support/stack.ts', 'prepare', DB_NAME],
    rootDir,
    process.env,
    logDir,
  );
  let stdout = '';
  p.child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  await runToEnd(p);
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(line) as { url: string }).url;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'concert-e2e-'));
  const redisPrefix = `test:e2e:${Math.random().toString(36).slice(2, 8)}:`;
  const apiUrl = `http://127.0.0.1:${E2E_API_PORT}`;
  const children: Started[] = [];
  console.log(`[e2e] logs in ${logDir}`);

  const teardown = async () => {
    for (const p of children.reverse()) await killGroup(p);
    const cleanup = start(
      'db-cleanup',
      bin('tsx'),
      ['apps/web/e2e/support/stack.ts', 'cleanup', DB_NAME, redisPrefix],
      rootDir,
      process.env,
      logDir,
    );
    await runToEnd(cleanup).catch((error: unknown) => console.warn(`[e2e] cleanup: ${(error as Error).message}`));
  };

  try {
    await assertPortFree(E2E_API_PORT, 'E2E_API_PORT');
    await assertPortFree(E2E_WEB_PORT, 'E2E_WEB_PORT');
    const skipBuild = process.env.E2E_SKIP_BUILD === '1' && existsSync(path.join(webDir, DIST_DIR, 'BUILD_ID'));
    const build = skipBuild
      ? null
      : start(
          'web-build',
          bin('next'),
          ['build'],
          webDir,
          { ...process.env, NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' },
          logDir,
        );
    if (build) children.push(build);

    const databaseUrl = await prepareDatabase(logDir);
    const api = start(
      'api',
      bin('tsx'),
      ['apps/api/src/main.ts'],
      rootDir,
      {
        ...process.env,
        NODE_ENV: 'test',
        API_PORT: String(E2E_API_PORT),
        API_HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        REDIS_PREFIX: redisPrefix,
        AUTH_SECRET: E2E_AUTH_SECRET,
        AUTH_DEV_SIGNIN: 'on',
        ADMIN_TOKEN: E2E_ADMIN_TOKEN,
        QUEUE_TICK_MS: '200',
        PAYMENT_GATEWAY_LATENCY_MS: '20',
        PAYMENT_GATEWAY_FAILURE_RATE: '0',
        NOTIFY_LATENCY_MS: '0',
        INNGEST_MODE: 'local',
        LOG_LEVEL: 'warn',
      },
      logDir,
    );
    children.push(api);
    await waitForHttp(`${apiUrl}/ready`, api, 90_000);

    if (build) await runToEnd(build);
    const web = start(
      'web',
      bin('next'),
      ['start', '-p', String(E2E_WEB_PORT), '-H', '127.0.0.1'],
      webDir,
      {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_DIST_DIR: DIST_DIR,
        NEXT_PUBLIC_API_URL: apiUrl,
        NEXT_TELEMETRY_DISABLED: '1',
      },
      logDir,
    );
    children.push(web);
    await waitForHttp(`http://127.0.0.1:${E2E_WEB_PORT}/`, web, 90_000);
    console.log(`[e2e] api ${apiUrl}, web http://127.0.0.1:${E2E_WEB_PORT}`);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
