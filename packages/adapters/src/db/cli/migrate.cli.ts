// `npm run db:migrate`: creates the database named by DATABASE_URL if absent and applies every pending migration.
// Any failure is one line on stderr and exit code 1: a wrong URL is a user mistake, not a crash to debug.
import { createDb, type Db, parseDatabaseUrl } from '../database';
import { ensureDatabase, migrateToLatest } from '../migrator';
import { describeDbError } from './db-error';

import { DEFAULT_DATABASE_URL } from './default-url';

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;

function fail(message: string): never {
  process.stderr.write(`db:migrate: ${message}\n`);
  process.exit(1);
}

// Anything escaping the flow below still gets one line, never a stack trace.
process.on('uncaughtException', (error) => fail(describeDbError(error, url)));
process.on('unhandledRejection', (error) => fail(describeDbError(error, url)));

async function main(): Promise<void> {
  let target: string;
  try {
    const p = parseDatabaseUrl(url);
    target = `${p.database} at ${p.host}:${p.port}`;
  } catch (error) {
    fail((error as Error).message);
  }
  let db: Db | undefined;
  try {
    await ensureDatabase(url);
    db = createDb(url, { connectionLimit: 1 });
    const applied = await migrateToLatest(db);
    if (applied.length === 0) console.log(`db:migrate: ${target} is up to date, nothing to apply`);
    else console.log(`db:migrate: applied to ${target}:\n${applied.map((name) => `  ${name}`).join('\n')}`);
  } catch (error) {
    fail(describeDbError(error, url));
  } finally {
    await db?.destroy().catch(() => undefined);
  }
}

await main();
