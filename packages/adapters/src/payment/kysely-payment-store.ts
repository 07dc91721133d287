import type {
  NewPayment,
  Payment,
  PaymentFailureReason,
  PaymentPatch,
  PaymentStep,
  PaymentStore,
  PaymentWork,
  Reservation,
  WalletLedger,
} from '@concert/domain';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Database, Db } from '../db/database';
import type { PaymentTable, ReservationTable } from '../db/tables/reservation.table';
import { TransactionalWalletLedger } from '../wallet/kysely-wallet-ledger';
import { isDuplicateKey, retryOnLockConflict } from '../wallet/mysql-errors';

/** Performs the sale inside the saga's transaction: seat HELD -> SOLD, reservation HELD -> CONFIRMED, or nothing. */
export type ConfirmSaleInTransaction = (
  trx: Transaction<Database>,
  reservation: Reservation,
  now: Date,
) => Promise<boolean>;

/**
 * Default sale, the same guarded multi-table UPDATE as the reservation context's `confirmSale` (seat HELD by the
 * reservation's user -> SOLD, reservation HELD -> CONFIRMED, deadline later than `now`), but run on the saga's
 * transaction WITHOUT a statement-level retry: after a deadlock InnoDB has rolled the whole transaction back
 * (and the payment row lock with it), so only re-running the whole unit of work is safe; the store does that.
 */
export const confirmSaleInTransaction: ConfirmSaleInTransaction = async (trx, reservation, now) => {
  const result = await sql`
    UPDATE reservations r
    JOIN seats s ON s.id = r.seat_id
    SET r.status = 'CONFIRMED',
        s.status = 'SOLD',
        s.held_until = NULL,
        s.version = s.version + 1
    WHERE r.id = ${reservation.reservationId}
      AND r.status = 'HELD'
      AND r.expires_at > ${now}
      AND s.status = 'HELD'
      AND s.holder_id = r.user_id`.execute(trx);
  return (result.numAffectedRows ?? 0n) > 0n;
};

export function toPayment(row: Selectable<PaymentTable>): Payment {
  return {
    paymentId: Number(row.id),
    reservationId: Number(row.reservation_id),
    userId: Number(row.user_id),
    amount: Number(row.amount),
    status: row.status,
    failureReason: (row.failure_reason as PaymentFailureReason | null) ?? null,
    idempotencyKey: row.idempotency_key,
    completedAt: row.completed_at,
    step: row.step as PaymentStep,
    gatewayRef: row.gateway_ref,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toReservation(row: Selectable<ReservationTable>): Reservation {
  return {
    reservationId: Number(row.id),
    userId: Number(row.user_id),
    seatId: Number(row.seat_id),
    scheduleId: Number(row.schedule_id),
    concertId: Number(row.concert_id),
    sectionId: Number(row.section_id),
    amount: Number(row.amount),
    status: row.status,
    expiresAt: row.expires_at,
  };
}

async function selectPayment(db: Kysely<Database>, paymentId: number, lock: boolean): Promise<Payment | null> {
  let query = db.selectFrom('payments').selectAll().where('id', '=', paymentId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toPayment(row) : null;
}

async function selectReservation(db: Kysely<Database>, reservationId: number, lock: boolean) {
  let query = db.selectFrom('reservations').selectAll().where('id', '=', reservationId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toReservation(row) : null;
}

class KyselyPaymentWork implements PaymentWork {
  readonly ledger: WalletLedger;

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly confirm: ConfirmSaleInTransaction,
  ) {
    this.ledger = new TransactionalWalletLedger(trx);
  }

  lockPayment(paymentId: number) {
    return selectPayment(this.trx, paymentId, true);
  }

  async updatePayment(paymentId: number, patch: PaymentPatch): Promise<void> {
    await this.trx
      .updateTable('payments')
      .set({
        step: patch.step,
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.failureReason !== undefined ? { failure_reason: patch.failureReason } : {}),
        ...(patch.gatewayRef !== undefined ? { gateway_ref: patch.gatewayRef } : {}),
        ...(patch.completedAt !== undefined ? { completed_at: patch.completedAt } : {}),
      })
      .where('id', '=', paymentId)
      .execute();
  }

  lockReservation(reservationId: number) {
    return selectReservation(this.trx, reservationId, true);
  }

  async findLivePayment(reservationId: number): Promise<Payment | null> {
    const row = await this.trx
      .selectFrom('payments')
      .selectAll()
      .where('reservation_id', '=', reservationId)
      .where('status', 'in', ['PENDING', 'COMPLETED'])
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? toPayment(row) : null;
  }

  async insertPayment(payment: NewPayment): Promise<Payment | 'DUPLICATE_KEY'> {
    try {
      const inserted = await this.trx
        .insertInto('payments')
        .values({
          reservation_id: payment.reservationId,
          user_id: payment.userId,
          amount: payment.amount,
          status: 'PENDING',
          idempotency_key: payment.idempotencyKey,
          step: 'CREATED',
          failure_reason: null,
          gateway_ref: null,
          completed_at: null,
        })
        .executeTakeFirstOrThrow();
      // Built from what was written rather than read back: one round trip less on the request path.
      const now = new Date();
      return {
        paymentId: Number(inserted.insertId),
        reservationId: payment.reservationId,
        userId: payment.userId,
        amount: payment.amount,
        status: 'PENDING',
        failureReason: null,
        idempotencyKey: payment.idempotencyKey,
        completedAt: null,
        step: 'CREATED',
        gatewayRef: null,
        createdAt: now,
        updatedAt: now,
      };
    } catch (error) {
      // InnoDB undoes only the failed statement; the transaction (and its reservation lock) carries on.
      if (isDuplicateKey(error)) return 'DUPLICATE_KEY';
      throw error;
    }
  }

  confirmSale(reservation: Reservation, now: Date): Promise<boolean> {
    return this.confirm(this.trx, reservation, now);
  }
}

/**
 * Payments in MySQL. Each `transaction` is READ COMMITTED (every decision is made on rows it has locked, and
 * plain reads see the latest commits) and is run again from the start if InnoDB picks it as a deadlock victim.
 */
export class KyselyPaymentStore implements PaymentStore {
  constructor(
    private readonly db: Db,
    private readonly confirm: ConfirmSaleInTransaction = confirmSaleInTransaction,
  ) {}

  findById(paymentId: number) {
    return selectPayment(this.db, paymentId, false);
  }

  async findByUserKey(userId: number, idempotencyKey: string): Promise<Payment | null> {
    const row = await this.db
      .selectFrom('payments')
      .selectAll()
      .where('user_id', '=', userId)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    return row ? toPayment(row) : null;
  }

  findReservation(reservationId: number) {
    return selectReservation(this.db, reservationId, false);
  }

  async findStalePending(before: Date, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('payments')
      .select('id')
      .where('status', '=', 'PENDING')
      .where('updated_at', '<', before)
      .orderBy('updated_at')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.id));
  }

  transaction<T>(work: (tx: PaymentWork) => Promise<T>): Promise<T> {
    return retryOnLockConflict(() =>
      this.db
        .transaction()
        .setIsolationLevel('read committed')
        .execute((trx) => work(new KyselyPaymentWork(trx, this.confirm))),
    );
  }
}
