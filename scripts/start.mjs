#!/usr/bin/env node
// `npm start`: the whole product on one machine, from a fresh clone.
//   1. installs dependencies if node_modules is missing
//   2. checks that MySQL and Redis answer at DATABASE_URL / REDIS_URL; if not, starts them with Docker when a
//      working engine is there, otherwise prints how to start them and exits non-zero
//   3. creates the database if absent and migrates it (`npm run db:migrate`)
//   4. loads the default data set if the database is empty (`npm run db:seed -- --if-empty`)
//   5. starts the API (`npm run api`, with the workflow runner) and the web app, waits until both answer,
//      prints the URLs, and forwards Ctrl-C / SIGTERM to them.
// Plain Node (no dependencies), so it runs before `npm install` has.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
process.chdir(ROOT);

// The environment is read here once; children get it whole, plus what this script decides.
const ENV = { ...process.env };
const DATABASE_URL = ENV.DATABASE_URL || 'mysql://root@127.0.0.1:3306/concert';
const REDIS_URL = ENV.REDIS_URL || 'redis://127.0.0.1:6379/0';
const API_PORT = Number(ENV.API_PORT || 3001);
const WEB_PORT = Number(ENV.WEB_PORT || 3000);
const API_HOST = ENV.API_HOST || '127.0.0.1';
// One key per `npm start`, shared by every child it starts (and by restarts of them), so sessions and queue
// passes signed by one process are valid in another.
const AUTH_SECRET = ENV.AUTH_SECRET || randomBytes(32).toString('base64url');
const API_ORIGIN = `http://${API_HOST === '0.0.0.0' ? '127.0.0.1' : API_HOST}:${API_PORT}`;
const WEB_ORIGIN = `http://127.0.0.1:${WEB_PORT}`;

const children = new Map(); // name -> ChildProcess
let shuttingDown = false;

function say(message) {
  console.log(`[start] ${message}`);
}

function die(message, code = 1) {
  console.error(`[start] ${message}`);
  stopAll('SIGTERM').finally(() => process.exit(code));
}

/** Runs a command to completion with inherited output; resolves to its exit code. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function endpoint(url, defaultPort, name) {
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) };
  } catch {
    console.error(`[start] ${name} is not a URL: ${url}`);
    process.exit(1);
  }
}

/**
 * True when something at host:port talks like the server: MySQL speaks first (its handshake, or an error packet
 * such as "host not allowed", which still means it is up); Redis answers PING (or NOAUTH when it wants a password).
 */
function probe({ host, port }, kind, timeoutMs = 2_000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settled = false;
    const done = (ok) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      if (kind === 'redis') socket.write('PING\r\n');
    });
    socket.on('data', (data) => {
      if (kind === 'mysql') done(data.length > 4);
      else done(data.toString().startsWith('+PONG') || data.toString().startsWith('-'));
    });
  });
}

async function waitFor(check, timeoutMs, intervalMs = 1_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}

function dockerComposeWorks() {
  const quiet = { stdio: 'ignore', timeout: 15_000 };
  return (
    spawnSync('docker', ['info'], quiet).status === 0 && spawnSync('docker', ['compose', 'version'], quiet).status === 0
  );
}

function howToStartServices(missing, mysql, redis) {
  const lines = [
    `${missing.join(' and ')} not answering at ${missing.map((m) => (m === 'MySQL' ? DATABASE_URL : REDIS_URL)).join(' / ')}.`,
  ];
  lines.push(`Start ${missing.length > 1 ? 'them' : 'it'}, then run \`npm start\` again:`);
  if (missing.includes('MySQL')) {
    lines.push('  MariaDB (as root):');
    lines.push(
      `    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld && start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd${mysql.port === 3306 ? '' : ` -- --port=${mysql.port}`}`,
    );
  }
  if (missing.includes('Redis')) {
    lines.push('  Redis:');
    lines.push(`    redis-server --daemonize yes --bind 127.0.0.1 --port ${redis.port} --save "" --appendonly no`);
  }
  lines.push('  or, with Docker:');
  lines.push(`    docker compose up -d ${missing.map((m) => (m === 'MySQL' ? 'mysql' : 'redis')).join(' ')}`);
  lines.push('  or point DATABASE_URL / REDIS_URL at servers that run elsewhere.');
  return lines.join('\n');
}

/** Starts a long-running child in its own process group, its output prefixed with its name. */
function startChild(name, args, env) {
  const child = spawn('npm', args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a signal reaches npm and everything under it (tsx, node, next).
    detached: true,
  });
  const prefix = (stream, target) => {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) target.write(`[${name}] ${line}\n`);
    });
    stream.on('end', () => buffer && target.write(`[${name}] ${buffer}\n`));
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.exited.then(({ code, signal }) => {
    children.delete(name);
    if (!shuttingDown) die(`${name} exited unexpectedly (${signal ?? `exit ${code}`}); stopping everything`);
  });
  children.set(name, child);
  return child;
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopAll(signal) {
  shuttingDown = true;
  const running = [...children.values()];
  for (const child of running) signalGroup(child, signal);
  const timeout = new Promise((r) => setTimeout(r, 10_000).unref());
  await Promise.race([Promise.all(running.map((c) => c.exited)), timeout]);
  for (const child of children.values()) signalGroup(child, 'SIGKILL');
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (shuttingDown) return;
    say(`${signal}: stopping ${[...children.keys()].join(', ') || 'nothing'}`);
    stopAll(signal).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

async function httpStatus(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return response.status;
  } catch {
    return 0;
  }
}

function hasNextApp() {
  const web = join(ROOT, 'apps/web');
  const config = ['next.config.ts', 'next.config.mjs', 'next.config.js'].some((f) => existsSync(join(web, f)));
  const routes = ['app', 'src/app', 'pages', 'src/pages'].some((d) => existsSync(join(web, d)));
  return config && routes;
}

async function main() {
  // 1. Dependencies.
  if (!existsSync(join(ROOT, 'node_modules/.bin/tsx'))) {
    say('node_modules is missing: npm install');
    if ((await run('npm', ['install', '--no-audit', '--no-fund'])) !== 0) return die('npm install failed');
  }

  // 2. MySQL and Redis.
  const mysql = endpoint(DATABASE_URL, 3306, 'DATABASE_URL');
  const redis = endpoint(REDIS_URL, 6379, 'REDIS_URL');
  const check = async () => {
    const [m, r] = await Promise.all([probe(mysql, 'mysql'), probe(redis, 'redis')]);
    return [...(m ? [] : ['MySQL']), ...(r ? [] : ['Redis'])];
  };
  let missing = await check();
  if (missing.length > 0) {
    const local = [mysql.host, redis.host].every((h) => ['127.0.0.1', 'localhost', '::1'].includes(h));
    if (local && dockerComposeWorks()) {
      const services = missing.map((m) => (m === 'MySQL' ? 'mysql' : 'redis'));
      say(`${missing.join(' and ')} not answering: docker compose up -d ${services.join(' ')}`);
      if ((await run('docker', ['compose', 'up', '-d', ...services])) !== 0) return die('docker compose up failed');
      say('waiting for them to answer (up to 120 s)');
      await waitFor(
        async () => {
          missing = await check();
          return missing.length === 0;
        },
        120_000,
        2_000,
      );
    }
    if (missing.length > 0) return die(howToStartServices(missing, mysql, redis));
  }
  say(`MySQL answers at ${mysql.host}:${mysql.port}, Redis at ${redis.host}:${redis.port}`);

  // 3 and 4. Schema and data.
  const dbEnv = { DATABASE_URL };
  if ((await run('npm', ['run', '--silent', 'db:migrate'], dbEnv)) !== 0) return die('db:migrate failed');
  if ((await run('npm', ['run', '--silent', 'db:seed', '--', '--if-empty'], dbEnv)) !== 0) return die('db:seed failed');

  // 5. API and web.
  say(`starting the API on ${API_ORIGIN}`);
  startChild('api', ['run', '--silent', 'api'], {
    DATABASE_URL,
    REDIS_URL,
    API_PORT: String(API_PORT),
    API_HOST,
    AUTH_SECRET,
  });

  const webEnv = { WEB_PORT: String(WEB_PORT), NEXT_PUBLIC_API_URL: ENV.NEXT_PUBLIC_API_URL || API_ORIGIN };
  let web = false;
  if (!hasNextApp()) {
    say('apps/web has no Next.js app yet: skipping the web app');
  } else {
    if (!existsSync(join(ROOT, 'apps/web/.next/BUILD_ID'))) {
      say('building the web app (npm run build -w @concert/web)');
      if ((await run('npm', ['run', 'build', '-w', '@concert/web'], webEnv)) !== 0) return die('web build failed');
    }
    say(`starting the web app on ${WEB_ORIGIN}`);
    startChild('web', ['run', '--silent', 'start', '-w', '@concert/web'], webEnv);
    web = true;
  }

  const apiReady = await waitFor(async () => (await httpStatus(`${API_ORIGIN}/ready`)) === 200, 120_000);
  if (!apiReady) return die(`the API did not become ready at ${API_ORIGIN}/ready within 120 s`);
  if (web) {
    const webUp = await waitFor(async () => {
      const status = await httpStatus(`${WEB_ORIGIN}/`);
      return status > 0 && status < 500;
    }, 120_000);
    if (!webUp) return die(`the web app did not answer at ${WEB_ORIGIN} within 120 s`);
  }

  console.log(
    [
      '',
      'concert reservation is running:',
      ...(web ? [`  web       ${WEB_ORIGIN}`] : []),
      `  api       ${API_ORIGIN}/trpc`,
      `  health    ${API_ORIGIN}/health   ready ${API_ORIGIN}/ready   metrics ${API_ORIGIN}/metrics`,
      `  workflows ${API_ORIGIN}/api/inngest (INNGEST_MODE=${ENV.INNGEST_MODE || 'local'})`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => die(`failed: ${error?.message ?? error}`));
