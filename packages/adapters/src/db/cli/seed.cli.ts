// `npm run db:seed -- [flags]`: loads the data set into DATABASE_URL with a progress bar on stderr.
// With --reset it also deletes the Redis keys the API derived from the old rows (REDIS_URL, REDIS_PREFIX).
// Exit codes: 0 loaded (or skipped with --if-empty), 1 database or Redis problem or non-empty database, 2 bad arguments.
import { createDb, type Db, parseDatabaseUrl } from '../database';
import { createSeedRedis, DERIVED_REDIS_PATTERNS, type DerivedRedis, DerivedRedisError } from '../seed/derived-redis';
import { DatabaseNotEmptyError, isSeedDatabaseEmpty, runSeed } from '../seed/load-seed';
import { parseSeedArgs, SEED_USAGE } from '../seed/seed-options';
import { describeDbError } from './db-error';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from './default-url';
import { createProgressBar } from './progress-bar';
import { checkRedisUrl, describeRedisError } from './redis-error';

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
// The API's names and defaults (apps/api/src/env.ts); an empty value counts as unset there too.
const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const redisPrefix = process.env.REDIS_PREFIX || '';

function fail(message: string, code = 1): never {
  process.stderr.write(`db:seed: ${message}\n`);
  process.exit(code);
}

process.on('uncaughtException', (error) => fail(describeDbError(error, url)));
process.on('unhandledRejection', (error) => fail(describeDbError(error, url)));

async function main(): Promise<void> {
  const parsed = parseSeedArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    console.log(SEED_USAGE);
    return;
  }
  if (parsed.kind === 'error') fail(`${parsed.message}\n${SEED_USAGE}`, 2);
  const options = parsed.options;

  let target: string;
  try {
    const p = parseDatabaseUrl(url);
    target = `${p.database} at ${p.host}:${p.port}`;
  } catch (error) {
    fail((error as Error).message);
  }
  // Only --reset touches Redis: without it REDIS_URL is neither checked nor connected to.
  let derived: DerivedRedis | undefined;
  if (options.reset) {
    try {
      checkRedisUrl(redisUrl);
    } catch (error) {
      fail((error as Error).message);
    }
    derived = { redis: createSeedRedis(redisUrl), prefix: redisPrefix };
  }

  // Two INSERTs in flight: while MySQL applies one batch, Node builds the next.
  const concurrency = 2;
  let db: Db | undefined;
  try {
    db = createDb(url, { connectionLimit: concurrency + 1 });
    if (!options.reset && !(await isSeedDatabaseEmpty(db))) {
      if (options.ifEmpty) {
        console.log(`db:seed: ${target} already holds data, nothing loaded`);
        return;
      }
      throw new DatabaseNotEmptyError('the database already holds data: pass --reset to empty it and load again');
    }
    const seats = options.concerts * options.datesPerConcert * options.seatsPerDate;
    let bar: ReturnType<typeof createProgressBar> | undefined;
    const { summary, redisKeysCleared } = await runSeed(db, options, {
      derived,
      // Printed after the Redis check, so a refused reset leaves stderr at its one line.
      onStart: () =>
        process.stderr.write(
          `db:seed: loading ${options.users.toLocaleString('en-US')} users, ${options.concerts.toLocaleString('en-US')} concerts x ${options.datesPerConcert} dates, ${seats.toLocaleString('en-US')} seats into ${target}${options.reset ? ' (after emptying it)' : ''}\n`,
        ),
      concurrency,
      onProgress: ({ table, done, total }) => {
        bar ??= createProgressBar('db:seed', total);
        bar.update(done, table);
      },
    });
    bar?.finish('done');
    const n = (v: number) => v.toLocaleString('en-US');
    console.log(
      `db:seed: loaded ${n(summary.users)} users (wallets of ${n(1_000_000)} won), ${n(summary.concerts)} concerts, ` +
        `${n(summary.schedules)} dates, ${n(summary.sections)} sections, ${n(summary.seats)} seats ` +
        `(${n(summary.rows)} rows) in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
    );
    if (redisKeysCleared !== null) {
      const patterns = DERIVED_REDIS_PATTERNS.map((p) => `${redisPrefix}${p}`).join(', ');
      console.log(`db:seed: cleared ${n(redisKeysCleared)} derived Redis keys (${patterns})`);
    }
  } catch (error) {
    if (error instanceof DerivedRedisError) fail(describeRedisError(error, redisUrl));
    if (error instanceof DatabaseNotEmptyError) fail(`${target} ${error.message.replace(/^the database /, '')}`);
    fail(describeDbError(error, url));
  } finally {
    await db?.destroy().catch(() => undefined);
    derived?.redis.disconnect();
  }
}

await main();
