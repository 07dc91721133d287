import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
import type { ConcertTable, ScheduleTable, SectionTable } from './tables/concert.table';
import type { PaymentTable, ReservationTable } from './tables/reservation.table';
import type { SeatTable } from './tables/seat.table';
import type { UserTable } from './tables/user.table';
import type { WalletLedgerTable, WalletTable } from './tables/wallet.table';

export interface Database {
  users: UserTable;
  wallets: WalletTable;
  wallet_ledger: WalletLedgerTable;
  concerts: ConcertTable;
  schedules: ScheduleTable;
  sections: SectionTable;
  seats: SeatTable;
  reservations: ReservationTable;
  payments: PaymentTable;
}

export type Db = Kysely<Database>;

export interface DatabaseUrlParts {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** `mysql://user:pass@host:port/db` -> parts; throws a one-line message on anything else. */
export function parseDatabaseUrl(url: string): DatabaseUrlParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`DATABASE_URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`DATABASE_URL must start with mysql:// (got ${parsed.protocol}//)`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(database))
    throw new Error(`DATABASE_URL needs a database name of [A-Za-z0-9_] (got "${database}")`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

export interface CreateDbOptions {
  connectionLimit?: number;
}

export function createDb(url: string, options: CreateDbOptions = {}): Db {
  const parts = parseDatabaseUrl(url);
  const pool = createPool({
    ...parts,
    connectionLimit: options.connectionLimit ?? 10,
    // DATETIME columns hold UTC; never let the driver shift them by the process time zone.
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    connectTimeout: 5_000,
  });
  // CURRENT_TIMESTAMP and NOW() must agree with the UTC dates the driver writes.
  pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'");
  });
  return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
}
