// The CLIs as a user runs them: a real process, real MySQL. A wrong DATABASE_URL must give one clear line and
// exit 1, never a stack trace; bad seed arguments are refused with exit 2. Redis is the test Redis under a test
// prefix, so `--reset` never clears the dev keys.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogKeys } from '../../catalog/caching-catalog.repository';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '../../testing';
import { parseDatabaseUrl } from '../database';
import { dropDatabase } from '../migrator';

const ROOT = fileURLToPath(new URL('../../../../..', import.meta.url));
// tsx straight from node_modules: what `npx tsx` runs, minus npx's own start-up on a busy machine.
const TSX = `${ROOT}node_modules/.bin/tsx`;
const MIGRATE = fileURLToPath(new URL('./migrate.cli.ts', import.meta.url));
const SEED = fileURLToPath(new URL('./seed.cli.ts', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [script, ...args],
      {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          REDIS_URL: testRedis.url,
          REDIS_PREFIX: testRedis.prefix,
          ...env,
        },
        timeout: 90_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

function expectOneCleanLine(result: Run, prefix: string): string {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${prefix}: `));
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

let migrateDb: TestDatabase;
let seedDb: TestDatabase;
let testRedis: TestRedis;
let server: { host: string; port: number };

beforeAll(async () => {
  [migrateDb, seedDb, testRedis] = await Promise.all([
    createTestDatabase('cli_migrate'),
    createTestDatabase('cli_seed'),
    createTestRedis('cli_seed'),
  ]);
  server = parseDatabaseUrl(migrateDb.url);
});

afterAll(async () => {
  await Promise.all([migrateDb?.destroy(), seedDb?.destroy(), testRedis?.destroy()]);
});

describe('db:migrate', { timeout: 180_000 }, () => {
  it('creates an absent database, applies the migrations, then has nothing left to apply', async () => {
    await dropDatabase(migrateDb.url);
    const first = await run(MIGRATE, [], migrateDb.url);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('applied');
    expect(first.stdout).toContain('2026-11-26T0000-initial-schema');
    const second = await run(MIGRATE, [], migrateDb.url);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('up to date');
  });

  it.each([
    ['a string that is no URL', 'not-a-url', /not a URL/],
    ['another scheme', 'postgres://root@127.0.0.1:5432/concert', /must start with mysql:\/\//],
    ['a database name with odd characters', 'mysql://root@127.0.0.1:3306/con-cert', /database name/],
    ['a port where nothing listens', 'mysql://root@127.0.0.1:1/concert_test_nowhere', /connection refused/],
    ['a host that does not exist', 'mysql://root@no-such-host.invalid:3306/concert_test_nowhere', /unknown host/],
  ])('gives one line and exit 1 for %s', async (_label, url, message) => {
    const result = await run(MIGRATE, [], url);
    expect(result.code).toBe(1);
    expect(expectOneCleanLine(result, 'db:migrate')).toMatch(message);
  });

  it('gives one line and exit 1 for bad credentials, without echoing the password', async () => {
    const url = `mysql://concert_no_such_user:wrong-secret@${server.host}:${server.port}/concert_test_nowhere`;
    const result = await run(MIGRATE, [], url);
    expect(result.code).toBe(1);
    const line = expectOneCleanLine(result, 'db:migrate');
    expect(line).toMatch(/access denied/);
    expect(line).not.toContain('wrong-secret');
  });
});

describe('npm run db:migrate (the command users type)', { timeout: 180_000 }, () => {
  it('keeps stderr to our one line: npm adds nothing', async () => {
    const result = await new Promise<Run>((resolve) => {
      execFile(
        'npm',
        ['run', 'db:migrate'],
        {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: 'mysql://root@127.0.0.1:1/concert_test_nowhere' },
          timeout: 90_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
    });
    expect(result.code).toBe(1);
    expect(expectOneCleanLine(result, 'db:migrate')).toMatch(/connection refused/);
  });
});

describe('db:seed', { timeout: 180_000 }, () => {
  const small = [
    '--users',
    '3',
    '--concerts',
    '2',
    '--dates-per-concert',
    '2',
    '--seats-per-date',
    '10',
    '--sections',
    '2',
  ];

  it('refuses an unknown flag with exit 2, naming it', async () => {
    const result = await run(SEED, ['--users', '3', '--bogus'], seedDb.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown option "--bogus"');
    expect(result.stderr).toContain('usage:');
  });

  it('refuses a bad value with exit 2, naming the flag', async () => {
    const result = await run(SEED, ['--seats-per-date', 'lots'], seedDb.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--seats-per-date must be a whole number');
  });

  it('loads, refuses a second load, skips with --if-empty, reloads with --reset', async () => {
    // Without --reset Redis is not even connected to: a dead REDIS_URL changes nothing.
    const first = await run(SEED, small, seedDb.url, { REDIS_URL: 'redis://127.0.0.1:1/0' });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toContain('Redis');
    expect(first.stdout).toMatch(/loaded 3 users .* 2 concerts, 4 dates, 8 sections, 40 seats .* in \d+\.\d s/);
    expect(first.stderr).toContain('100%');

    const second = await run(SEED, small, seedDb.url);
    expect(second.code).toBe(1);
    expect(expectOneCleanLine(second, 'db:seed')).toContain('--reset');

    const skipped = await run(SEED, [...small, '--if-empty'], seedDb.url);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('nothing loaded');

    const resetArgs = ['--users', '5', '--concerts', '1', '--seats-per-date', '5', '--reset'];
    // An unreachable Redis stops the reset before MySQL is emptied, in one line.
    const noRedis = await run(SEED, resetArgs, seedDb.url, { REDIS_URL: 'redis://127.0.0.1:1/0' });
    expect(noRedis.code).toBe(1);
    expect(expectOneCleanLine(noRedis, 'db:seed')).toMatch(
      /cannot connect to Redis at 127\.0\.0\.1:1: connection refused .*nothing was changed$/,
    );
    expect(await seedDb.db.selectFrom('users').select('id').execute()).toHaveLength(3);
    const badUrl = await run(SEED, resetArgs, seedDb.url, { REDIS_URL: 'http://127.0.0.1:6379' });
    expect(badUrl.code).toBe(1);
    expect(expectOneCleanLine(badUrl, 'db:seed')).toContain('REDIS_URL must start with redis://');

    await testRedis.redis.set(catalogKeys.dates(1), '{}');
    await testRedis.redis.set(catalogKeys.seats(1, 1), '{}');
    const reset = await run(SEED, resetArgs, seedDb.url);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('loaded 5 users');
    expect(reset.stdout).toContain(`cleared 2 derived Redis keys (${testRedis.prefix}catalog:*`);
    expect(await testRedis.redis.exists(catalogKeys.dates(1), catalogKeys.seats(1, 1))).toBe(0);
    const users = await seedDb.db.selectFrom('users').select('id').execute();
    expect(users).toHaveLength(5);
  });

  it('says to migrate first when the database has no schema', async () => {
    const url = `mysql://root@${server.host}:${server.port}/concert_test_cli_no_schema`;
    const result = await run(SEED, small, url);
    expect(result.code).toBe(1);
    expect(expectOneCleanLine(result, 'db:seed')).toContain('npm run db:migrate');
  });
});
