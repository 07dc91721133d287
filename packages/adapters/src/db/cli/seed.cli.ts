// `npm run db:seed -- [flags]`: loads the data set into DATABASE_URL with a progress bar on stderr.
// Exit codes: 0 loaded (or skipped with --if-empty), 1 database problem or non-empty database, 2 bad arguments.
import { createDb, type Db, parseDatabaseUrl } from '../database';
import { DatabaseNotEmptyError, isSeedDatabaseEmpty, loadSeed } from '../seed/load-seed';
import { parseSeedArgs, SEED_USAGE } from '../seed/seed-options';
import { describeDbError } from './db-error';
import { DEFAULT_DATABASE_URL } from './default-url';
import { createProgressBar } from './progress-bar';

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;

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
    process.stderr.write(
      `db:seed: loading ${options.users.toLocaleString('en-US')} users, ${options.concerts.toLocaleString('en-US')} concerts x ${options.datesPerConcert} dates, ${seats.toLocaleString('en-US')} seats into ${target}${options.reset ? ' (after emptying it)' : ''}\n`,
    );
    let bar: ReturnType<typeof createProgressBar> | undefined;
    const summary = await loadSeed(db, options, {
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
  } catch (error) {
    if (error instanceof DatabaseNotEmptyError) fail(`${target} ${error.message.replace(/^the database /, '')}`);
    fail(describeDbError(error, url));
  } finally {
    await db?.destroy().catch(() => undefined);
  }
}

await main();
