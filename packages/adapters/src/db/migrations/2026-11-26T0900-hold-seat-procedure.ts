import { type Kysely, sql } from 'kysely';

// Frozen once landed: change the procedure with a new timestamped migration (DROP + CREATE), never by editing this.
//
// The whole seat hold as one stored procedure, so a hold is ONE round trip instead of six (BEGIN, lock the user,
// take the seat, count, insert, COMMIT). On this machine each round trip's socket write cost the API ~70-100 us
// of CPU, and MariaDB spent 1.6-2.7x the CPU on six separate statements (docs/reservations.md). The rules:
// 1. lock the user's row: serializes one user's holds, so the limit count cannot be raced;
// 2. conditional UPDATE of the seat (AVAILABLE, or HELD past its deadline): InnoDB's row lock makes exactly one
//    contender match, the others find the new state and match nothing;
// 3. count the user's live holds on that date (a fresh read, taken after the lock);
// 4. INSERT the reservation. A duplicate on `active_seat_id` means an old hold still owns the seat: if it is
//    past its deadline (a takeover nobody had swept yet) it is expired here, in the same transaction; anything
//    else is SEAT_UNAVAILABLE.
// It answers with exactly one row: `outcome` ('HELD', 'SEAT_UNAVAILABLE' or 'HOLD_LIMIT_REACHED'), the new
// reservation's id, and the reservation it took the seat over from, if any. Any SQL error rolls back and is
// re-raised unchanged, so the caller still sees deadlocks (1213) and write conflicts (1020) and retries them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE PROCEDURE hold_seat(
    IN p_user_id BIGINT UNSIGNED,
    IN p_seat_id BIGINT UNSIGNED,
    IN p_schedule_id BIGINT UNSIGNED,
    IN p_section_id BIGINT UNSIGNED,
    IN p_concert_id BIGINT UNSIGNED,
    IN p_amount BIGINT,
    IN p_now DATETIME(3),
    IN p_expires_at DATETIME(3),
    IN p_limit INT
  )
  MODIFIES SQL DATA
  hold_seat: BEGIN
    DECLARE v_locked BIGINT UNSIGNED;
    DECLARE v_live INT;
    DECLARE v_duplicate BOOLEAN DEFAULT FALSE;
    DECLARE v_id BIGINT UNSIGNED;
    DECLARE r_id, r_user_id, r_schedule_id, r_section_id, r_concert_id BIGINT UNSIGNED DEFAULT NULL;
    DECLARE r_amount BIGINT DEFAULT NULL;
    DECLARE r_status VARCHAR(10) DEFAULT NULL;
    DECLARE r_expires_at DATETIME(3) DEFAULT NULL;
    -- InnoDB undoes only the failed INSERT; the transaction and its locks stay ours.
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = TRUE;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;

    START TRANSACTION;
    SELECT id INTO v_locked FROM users WHERE id = p_user_id FOR UPDATE;

    UPDATE seats
       SET status = 'HELD', holder_id = p_user_id, held_until = p_expires_at, version = version + 1
     WHERE id = p_seat_id AND (status = 'AVAILABLE' OR (status = 'HELD' AND held_until <= p_now));
    IF ROW_COUNT() = 0 THEN
      ROLLBACK;
      SELECT 'SEAT_UNAVAILABLE' AS outcome;
      LEAVE hold_seat;
    END IF;

    SELECT COUNT(*) INTO v_live FROM reservations
     WHERE user_id = p_user_id AND schedule_id = p_schedule_id AND status = 'HELD' AND expires_at > p_now;
    IF v_live >= p_limit THEN
      ROLLBACK;
      SELECT 'HOLD_LIMIT_REACHED' AS outcome;
      LEAVE hold_seat;
    END IF;

    INSERT INTO reservations (user_id, seat_id, schedule_id, section_id, concert_id, amount, status, expires_at)
    VALUES (p_user_id, p_seat_id, p_schedule_id, p_section_id, p_concert_id, p_amount, 'HELD', p_expires_at);

    IF v_duplicate THEN
      -- The seat lock is ours, so the old reservation cannot change under us.
      SELECT id, user_id, schedule_id, section_id, concert_id, amount, status, expires_at
        INTO r_id, r_user_id, r_schedule_id, r_section_id, r_concert_id, r_amount, r_status, r_expires_at
        FROM reservations WHERE active_seat_id = p_seat_id FOR UPDATE;
      IF r_id IS NULL OR r_status <> 'HELD' OR r_expires_at > p_now THEN
        ROLLBACK;
        SELECT 'SEAT_UNAVAILABLE' AS outcome;
        LEAVE hold_seat;
      END IF;
      UPDATE reservations SET status = 'EXPIRED', updated_at = p_now WHERE id = r_id AND status = 'HELD';
      SET v_duplicate = FALSE;
      INSERT INTO reservations (user_id, seat_id, schedule_id, section_id, concert_id, amount, status, expires_at)
      VALUES (p_user_id, p_seat_id, p_schedule_id, p_section_id, p_concert_id, p_amount, 'HELD', p_expires_at);
      IF v_duplicate THEN
        ROLLBACK;
        SELECT 'SEAT_UNAVAILABLE' AS outcome;
        LEAVE hold_seat;
      END IF;
    END IF;

    SET v_id = LAST_INSERT_ID();
    COMMIT;
    SELECT 'HELD' AS outcome, v_id AS reservation_id,
           r_id AS replaced_id, r_user_id AS replaced_user_id, r_schedule_id AS replaced_schedule_id,
           r_section_id AS replaced_section_id, r_concert_id AS replaced_concert_id, r_amount AS replaced_amount,
           r_expires_at AS replaced_expires_at;
  END`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS hold_seat`.execute(db);
}
