import { type Migration, Migrator } from 'kysely';
import { createConnection } from 'mysql2/promise';
import { type Db, parseDatabaseUrl } from './database';
import * as initialSchema from './migrations/2026-11-26T0000-initial-schema';
import * as holdSeatProcedure from './migrations/2026-11-26T0900-hold-seat-procedure';

/** Every migration, by timestamped name. Listed statically so bundlers and tsx agree on what exists. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-26T0000-initial-schema': initialSchema,
  '2026-11-26T0900-hold-seat-procedure': holdSeatProcedure,
};

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'kysely_migration',
    migrationLockTableName: 'kysely_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Creates the database named in the URL if it does not exist. Connects without selecting a database. */
export async function ensureDatabase(url: string): Promise<void> {
  const { database, ...server } = parseDatabaseUrl(url);
  const conn = await createConnection({ ...server, connectTimeout: 5_000 });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const { database, ...server } = parseDatabaseUrl(url);
  const conn = await createConnection({ ...server, connectTimeout: 5_000 });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await conn.end();
  }
}
