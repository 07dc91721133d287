import { type Kysely, sql } from 'kysely';

// Frozen once landed: change the schema with a new timestamped migration, never by editing this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE users (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
  ) ENGINE=InnoDB`.execute(db);

  await sql`CREATE TABLE wallets (
    user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    balance BIGINT NOT NULL DEFAULT 0,
    updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    CONSTRAINT wallets_balance_non_negative CHECK (balance >= 0)
  ) ENGINE=InnoDB`.execute(db);

  await sql`CREATE TABLE wallet_ledger (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('CHARGE','DEBIT','REFUND') NOT NULL,
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    idempotency_key VARCHAR(64) NOT NULL,
    reference VARCHAR(64) NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE KEY wallet_ledger_user_idempotency (user_id, idempotency_key),
    KEY wallet_ledger_reference (reference),
    CONSTRAINT wallet_ledger_amount_positive CHECK (amount > 0)
  ) ENGINE=InnoDB`.execute(db);

  await sql`CREATE TABLE concerts (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    artist VARCHAR(200) NOT NULL,
    venue VARCHAR(200) NOT NULL,
    first_date DATETIME(3) NULL,
    last_date DATETIME(3) NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    KEY concerts_title (title, id),
    KEY concerts_artist (artist, id)
  ) ENGINE=InnoDB`.execute(db);

  await sql`CREATE TABLE schedules (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    concert_id BIGINT UNSIGNED NOT NULL,
    starts_at DATETIME(3) NOT NULL,
    KEY schedules_concert_starts (concert_id, starts_at)
  ) ENGINE=InnoDB`.execute(db);

  await sql`CREATE TABLE sections (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    schedule_id BIGINT UNSIGNED NOT NULL,
    name VARCHAR(50) NOT NULL,
    price BIGINT NOT NULL,
    total_seats INT NOT NULL,
    KEY sections_schedule (schedule_id)
  ) ENGINE=InnoDB`.execute(db);

  await sql`CREATE TABLE seats (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    schedule_id BIGINT UNSIGNED NOT NULL,
    section_id BIGINT UNSIGNED NOT NULL,
    row_label VARCHAR(10) NOT NULL,
    number INT NOT NULL,
    status ENUM('AVAILABLE','HELD','SOLD') NOT NULL DEFAULT 'AVAILABLE',
    holder_id BIGINT UNSIGNED NULL,
    held_until DATETIME(3) NULL,
    version INT NOT NULL DEFAULT 0,
    updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY seats_schedule_section_status (schedule_id, section_id, status),
    KEY seats_section_status (section_id, status),
    KEY seats_status_held_until (status, held_until)
  ) ENGINE=InnoDB`.execute(db);

  // active_seat_id is seat_id while HELD or CONFIRMED, NULL otherwise; UNIQUE makes "one live reservation per
  // seat" a database guarantee, not just an application rule.
  await sql`CREATE TABLE reservations (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    seat_id BIGINT UNSIGNED NOT NULL,
    schedule_id BIGINT UNSIGNED NOT NULL,
    section_id BIGINT UNSIGNED NOT NULL,
    concert_id BIGINT UNSIGNED NOT NULL,
    amount BIGINT NOT NULL,
    status ENUM('HELD','CONFIRMED','RELEASED','EXPIRED') NOT NULL,
    expires_at DATETIME(3) NOT NULL,
    active_seat_id BIGINT UNSIGNED AS (IF(status IN ('HELD','CONFIRMED'), seat_id, NULL)) STORED,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    UNIQUE KEY reservations_active_seat (active_seat_id),
    KEY reservations_user_status (user_id, status),
    KEY reservations_user_schedule_status (user_id, schedule_id, status),
    KEY reservations_seat (seat_id),
    KEY reservations_status_expires (status, expires_at)
  ) ENGINE=InnoDB`.execute(db);

  await sql`CREATE TABLE payments (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    reservation_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    amount BIGINT NOT NULL,
    status ENUM('PENDING','COMPLETED','FAILED') NOT NULL DEFAULT 'PENDING',
    failure_reason VARCHAR(40) NULL,
    idempotency_key VARCHAR(64) NOT NULL,
    step VARCHAR(40) NOT NULL DEFAULT 'CREATED',
    gateway_ref VARCHAR(100) NULL,
    created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    completed_at DATETIME(3) NULL,
    UNIQUE KEY payments_user_idempotency (user_id, idempotency_key),
    KEY payments_reservation (reservation_id),
    KEY payments_status_updated (status, updated_at)
  ) ENGINE=InnoDB`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'payments',
    'reservations',
    'seats',
    'sections',
    'schedules',
    'concerts',
    'wallet_ledger',
    'wallets',
    'users',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
