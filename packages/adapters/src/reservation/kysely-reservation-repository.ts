import type {
  HoldRejection,
  HoldRequest,
  HoldSuccess,
  Reservation,
  ReservationRepository,
  Result,
  SeatRef,
} from '@concert/domain';
import { err, ok } from '@concert/domain';
import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/database';
import type { ReservationTable } from '../db/tables/reservation.table';

const RESERVATION_COLUMNS = [
  'id',
  'user_id',
  'seat_id',
  'schedule_id',
  'section_id',
  'concert_id',
  'amount',
  'status',
  'expires_at',
] as const;

type ReservationRow = Pick<Selectable<ReservationTable>, (typeof RESERVATION_COLUMNS)[number]>;

function toReservation(row: ReservationRow): Reservation {
  return {
    reservationId: Number(row.id),
    userId: Number(row.user_id),
    seatId: Number(row.seat_id),
    scheduleId: Number(row.schedule_id),
    sectionId: Number(row.section_id),
    concertId: Number(row.concert_id),
    amount: Number(row.amount),
    status: row.status,
    expiresAt: new Date(row.expires_at),
  };
}

/** Thrown inside a transaction to roll it back with an expected outcome rather than a failure. */
class HoldRefused extends Error {
  constructor(readonly reason: HoldRejection) {
    super(reason);
  }
}

const errno = (error: unknown): number | undefined => (error as { errno?: number } | null)?.errno;
const ER_DUP_ENTRY = 1062;
/** Deadlock, and MariaDB's snapshot-isolation write conflict: both mean "run the transaction again". */
const RETRYABLE = new Set([1213, 1020]);

export interface KyselyReservationRepositoryOptions {
  /** How many seat -> (date, section, concert, price) facts to remember; they never change once seeded. */
  readonly seatCacheSize?: number;
}

/**
 * MySQL/MariaDB holds. Concurrency is decided by InnoDB row locks and conditional updates, never by reading
 * first and writing later, and the UNIQUE `active_seat_id` column backs it up: whatever the code does, at most
 * one HELD or CONFIRMED reservation exists per seat. Lock order is always user row -> seat row -> reservation
 * rows, so holds of different users never deadlock each other.
 */
export class KyselyReservationRepository implements ReservationRepository {
  private readonly seatCache = new Map<number, SeatRef>();
  private readonly seatCacheSize: number;

  constructor(
    private readonly db: Db,
    options: KyselyReservationRepositoryOptions = {},
  ) {
    this.seatCacheSize = options.seatCacheSize ?? 100_000;
  }

  /**
   * A miss loads the whole section of the seat (one indexed query, tens to hundreds of rows), so a burst of
   * holds on one section's seats costs one query, not one per seat.
   */
  async findSeat(seatId: number): Promise<SeatRef | null> {
    const cached = this.seatCache.get(seatId);
    if (cached) return cached;
    const rows = await this.db
      .selectFrom('seats')
      .innerJoin('sections', 'sections.id', 'seats.section_id')
      .innerJoin('schedules', 'schedules.id', 'seats.schedule_id')
      .select(['seats.id', 'seats.schedule_id', 'seats.section_id', 'schedules.concert_id', 'sections.price'])
      .where('seats.section_id', '=', (eb) => eb.selectFrom('seats').select('section_id').where('id', '=', seatId))
      .execute();
    if (this.seatCache.size + rows.length > this.seatCacheSize) this.seatCache.clear();
    for (const row of rows) {
      this.seatCache.set(Number(row.id), {
        seatId: Number(row.id),
        scheduleId: Number(row.schedule_id),
        sectionId: Number(row.section_id),
        concertId: Number(row.concert_id),
        price: Number(row.price),
      });
    }
    return this.seatCache.get(seatId) ?? null;
  }

  async hold(request: HoldRequest): Promise<Result<HoldSuccess, HoldRejection>> {
    try {
      return ok(await this.withRetry(() => this.holdOnce(request)));
    } catch (error) {
      if (error instanceof HoldRefused) return err(error.reason);
      throw error;
    }
  }

  /**
   * One transaction, four statements on the common path:
   * 1. lock the user's row: serializes one user's holds, so the limit count below cannot be raced;
   * 2. conditional UPDATE of the seat (AVAILABLE, or HELD past its deadline): InnoDB's row lock makes exactly
   *    one contender match, the others find the new state and match nothing;
   * 3. count the user's live holds on that date (a fresh read, taken after the lock);
   * 4. INSERT the reservation. A duplicate on `active_seat_id` means an old hold still owns the seat: if it is
   *    past its deadline (a takeover nobody had swept yet) it is expired here, in the same transaction;
   *    anything else is SEAT_UNAVAILABLE.
   */
  private async holdOnce({ userId, seat, now, expiresAt, limitPerDate }: HoldRequest): Promise<HoldSuccess> {
    return this.db.transaction().execute(async (trx) => {
      await sql`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`.execute(trx);

      const taken = await trx
        .updateTable('seats')
        .set({ status: 'HELD', holder_id: userId, held_until: expiresAt, version: sql`version + 1` })
        .where('id', '=', seat.seatId)
        .where((eb) =>
          eb.or([eb('status', '=', 'AVAILABLE'), eb.and([eb('status', '=', 'HELD'), eb('held_until', '<=', now)])]),
        )
        .executeTakeFirst();
      if (taken.numUpdatedRows === 0n) throw new HoldRefused('SEAT_UNAVAILABLE');

      const live = await trx
        .selectFrom('reservations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('schedule_id', '=', seat.scheduleId)
        .where('status', '=', 'HELD')
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow();
      if (Number(live.n) >= limitPerDate) throw new HoldRefused('HOLD_LIMIT_REACHED');

      const row = {
        user_id: userId,
        seat_id: seat.seatId,
        schedule_id: seat.scheduleId,
        section_id: seat.sectionId,
        concert_id: seat.concertId,
        amount: seat.price,
        status: 'HELD' as const,
        expires_at: expiresAt,
      };
      const insert = () => trx.insertInto('reservations').values(row).executeTakeFirstOrThrow();
      let replaced: Reservation | null = null;
      let inserted: Awaited<ReturnType<typeof insert>>;
      try {
        inserted = await insert();
      } catch (error) {
        if (errno(error) !== ER_DUP_ENTRY) throw error;
        // InnoDB rolled back only the failed INSERT; the seat lock is still ours, so this cannot race.
        const old = await trx
          .selectFrom('reservations')
          .select(RESERVATION_COLUMNS)
          .where('active_seat_id', '=', seat.seatId)
          .forUpdate()
          .executeTakeFirst();
        if (old?.status !== 'HELD' || new Date(old.expires_at).getTime() > now.getTime()) {
          throw new HoldRefused('SEAT_UNAVAILABLE');
        }
        await trx
          .updateTable('reservations')
          .set({ status: 'EXPIRED', updated_at: now })
          .where('id', '=', old.id)
          .where('status', '=', 'HELD')
          .execute();
        replaced = { ...toReservation(old), status: 'EXPIRED' };
        inserted = await insert();
      }
      return {
        reservation: {
          reservationId: Number(inserted.insertId),
          userId,
          seatId: seat.seatId,
          scheduleId: seat.scheduleId,
          sectionId: seat.sectionId,
          concertId: seat.concertId,
          amount: seat.price,
          status: 'HELD',
          expiresAt,
        },
        replaced,
      };
    });
  }

  async findById(reservationId: number): Promise<Reservation | null> {
    const row = await this.db
      .selectFrom('reservations')
      .select(RESERVATION_COLUMNS)
      .where('id', '=', reservationId)
      .executeTakeFirst();
    return row ? toReservation(row) : null;
  }

  /**
   * Ends a HELD reservation and moves its seat in ONE statement (a multi-table UPDATE), guarded by: the
   * reservation is HELD, the seat is HELD by the reservation's user. Whichever of release / expire / sale
   * commits first wins; the others match nothing.
   */
  private async endHold(
    reservationId: number,
    to: 'RELEASED' | 'EXPIRED' | 'CONFIRMED',
    extra: ReturnType<typeof sql<boolean>>,
  ): Promise<boolean> {
    const seatStatus = to === 'CONFIRMED' ? 'SOLD' : 'AVAILABLE';
    const result = await this.withRetry(() =>
      sql`
        UPDATE reservations r
        JOIN seats s ON s.id = r.seat_id
        SET r.status = ${to},
            s.status = ${seatStatus},
            s.holder_id = IF(${seatStatus} = 'SOLD', s.holder_id, NULL),
            s.held_until = NULL,
            s.version = s.version + 1
        WHERE r.id = ${reservationId}
          AND r.status = 'HELD'
          AND s.status = 'HELD'
          AND s.holder_id = r.user_id
          AND ${extra}`.execute(this.db),
    );
    return (result.numAffectedRows ?? 0n) > 0n;
  }

  release(reservationId: number, userId: number): Promise<boolean> {
    return this.endHold(reservationId, 'RELEASED', sql<boolean>`r.user_id = ${userId}`);
  }

  expire(reservationId: number, now: Date): Promise<boolean> {
    return this.endHold(reservationId, 'EXPIRED', sql<boolean>`r.expires_at <= ${now}`);
  }

  confirmSale(reservationId: number, options: { notAfter?: Date } = {}): Promise<boolean> {
    return this.endHold(
      reservationId,
      'CONFIRMED',
      options.notAfter ? sql<boolean>`r.expires_at > ${options.notAfter}` : sql<boolean>`TRUE`,
    );
  }

  async listDueHolds(now: Date, limit: number): Promise<Reservation[]> {
    const rows = await this.db
      .selectFrom('reservations')
      .select(RESERVATION_COLUMNS)
      .where('status', '=', 'HELD')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map(toReservation);
  }

  async listByUser(userId: number, limit: number): Promise<Reservation[]> {
    const rows = await this.db
      .selectFrom('reservations')
      .select(RESERVATION_COLUMNS)
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toReservation);
  }

  private async withRetry<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (attempt >= attempts || !RETRYABLE.has(errno(error) ?? 0)) throw error;
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
      }
    }
  }
}
