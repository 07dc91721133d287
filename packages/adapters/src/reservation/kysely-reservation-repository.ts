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

/** The one row `CALL hold_seat(...)` answers with; the `replaced_*` columns are NULL unless it took a seat over. */
interface HoldSeatRow {
  outcome: 'HELD' | HoldRejection;
  reservation_id: number | null;
  replaced_id: number | null;
  replaced_user_id: number | null;
  replaced_schedule_id: number | null;
  replaced_section_id: number | null;
  replaced_concert_id: number | null;
  replaced_amount: number | null;
  replaced_expires_at: Date | null;
}

/** What mysql2 appends after a CALL's result sets. */
interface ResultSetHeader {
  affectedRows: number;
}

const errno = (error: unknown): number | undefined => (error as { errno?: number } | null)?.errno;
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

  hold(request: HoldRequest): Promise<Result<HoldSuccess, HoldRejection>> {
    return this.withRetry(() => this.holdOnce(request));
  }

  /**
   * One transaction in ONE round trip: the `hold_seat` procedure (migration 2026-11-26T0900) locks the user's
   * row, takes the seat with a conditional UPDATE, counts the user's live holds on the date and inserts the
   * reservation, taking the seat over from a hold past its deadline that nobody had swept yet. The statements
   * and their order are documented there; six round trips per hold were the API's largest cost at 500 holds/s.
   */
  private async holdOnce({
    userId,
    seat,
    now,
    expiresAt,
    limitPerDate,
  }: HoldRequest): Promise<Result<HoldSuccess, HoldRejection>> {
    const { rows } = await sql<HoldSeatRow[] | ResultSetHeader>`CALL hold_seat(
      ${userId}, ${seat.seatId}, ${seat.scheduleId}, ${seat.sectionId}, ${seat.concertId}, ${seat.price},
      ${now}, ${expiresAt}, ${limitPerDate})`.execute(this.db);
    // A CALL answers with its result set followed by the CALL's own status; Kysely passes both through as rows.
    const result = (rows[0] as HoldSeatRow[] | undefined)?.[0];
    if (!result) throw new Error('hold_seat returned no row');
    if (result.outcome !== 'HELD') return err(result.outcome);
    return ok({
      reservation: {
        reservationId: Number(result.reservation_id),
        userId,
        seatId: seat.seatId,
        scheduleId: seat.scheduleId,
        sectionId: seat.sectionId,
        concertId: seat.concertId,
        amount: seat.price,
        status: 'HELD',
        expiresAt,
      },
      replaced:
        result.replaced_id === null
          ? null
          : {
              reservationId: Number(result.replaced_id),
              userId: Number(result.replaced_user_id),
              seatId: seat.seatId,
              scheduleId: Number(result.replaced_schedule_id),
              sectionId: Number(result.replaced_section_id),
              concertId: Number(result.replaced_concert_id),
              amount: Number(result.replaced_amount),
              status: 'EXPIRED',
              expiresAt: new Date(result.replaced_expires_at as Date),
            },
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
