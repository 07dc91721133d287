import type { Reservation } from '../../reservation';
import { InMemoryWalletLedger } from '../../wallet';
import type { Payment } from '../payment.entity';
import type { GatewayCharge, GatewayOutcome, PaymentGateway } from '../ports/payment-gateway.port';
import type { NewPayment, PaymentStore, PaymentWork } from '../ports/payment-store.port';

interface FakeSeat {
  status: 'AVAILABLE' | 'HELD' | 'SOLD';
  holderId: number | null;
}

/**
 * A PaymentStore in memory for unit tests. Transactions run one at a time (a global lock stands in for row
 * locks), which is enough to exercise the saga's step guards with interleaved runs.
 */
export class InMemoryPaymentStore implements PaymentStore {
  readonly payments = new Map<number, Payment>();
  readonly reservations = new Map<number, Reservation>();
  readonly seats = new Map<number, FakeSeat>();
  readonly ledger = new InMemoryWalletLedger();
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  addReservation(reservation: Reservation): void {
    this.reservations.set(reservation.reservationId, reservation);
    this.seats.set(reservation.seatId, {
      status: reservation.status === 'HELD' ? 'HELD' : 'AVAILABLE',
      holderId: reservation.userId,
    });
  }

  async findById(paymentId: number) {
    return this.payments.get(paymentId) ?? null;
  }

  async findByUserKey(userId: number, key: string) {
    return [...this.payments.values()].find((p) => p.userId === userId && p.idempotencyKey === key) ?? null;
  }

  async findReservation(reservationId: number) {
    return this.reservations.get(reservationId) ?? null;
  }

  async findStalePending(before: Date, limit: number) {
    return [...this.payments.values()]
      .filter((p) => p.status === 'PENDING' && p.updatedAt.getTime() < before.getTime())
      .slice(0, limit)
      .map((p) => p.paymentId);
  }

  transaction<T>(work: (tx: PaymentWork) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => work(this.work()));
    this.queue = run.catch(() => {});
    return run;
  }

  private work(): PaymentWork {
    return {
      ledger: this.ledger,
      lockPayment: async (id) => this.payments.get(id) ?? null,
      lockReservation: async (id) => this.reservations.get(id) ?? null,
      updatePayment: async (id, patch) => {
        const p = this.payments.get(id);
        if (!p) throw new Error(`no payment ${id}`);
        this.payments.set(id, {
          ...p,
          step: patch.step,
          status: patch.status ?? p.status,
          failureReason: patch.failureReason === undefined ? p.failureReason : patch.failureReason,
          gatewayRef: patch.gatewayRef === undefined ? p.gatewayRef : patch.gatewayRef,
          completedAt: patch.completedAt === undefined ? p.completedAt : patch.completedAt,
          updatedAt: this.now(),
        });
      },
      findLivePayment: async (reservationId) =>
        [...this.payments.values()].find(
          (p) => p.reservationId === reservationId && (p.status === 'PENDING' || p.status === 'COMPLETED'),
        ) ?? null,
      insertPayment: async (np: NewPayment) => {
        if (await this.findByUserKey(np.userId, np.idempotencyKey)) return 'DUPLICATE_KEY';
        const payment: Payment = {
          paymentId: this.nextId++,
          ...np,
          status: 'PENDING',
          failureReason: null,
          completedAt: null,
          step: 'CREATED',
          gatewayRef: null,
          createdAt: this.now(),
          updatedAt: this.now(),
        };
        this.payments.set(payment.paymentId, payment);
        return payment;
      },
      confirmSale: async (reservation) => {
        const seat = this.seats.get(reservation.seatId);
        const current = this.reservations.get(reservation.reservationId);
        if (seat?.status !== 'HELD' || seat.holderId !== reservation.userId || current?.status !== 'HELD') return false;
        seat.status = 'SOLD';
        this.reservations.set(reservation.reservationId, { ...current, status: 'CONFIRMED' });
        return true;
      },
    };
  }
}

/** A gateway that answers from a script (default: approve), remembering every call. */
export class ScriptedGateway implements PaymentGateway {
  readonly charges: GatewayCharge[] = [];
  readonly voids: string[] = [];
  constructor(
    private readonly answer: (request: GatewayCharge, call: number) => GatewayOutcome = (r) => ({
      outcome: 'APPROVED',
      reference: `ref-${r.key}`,
    }),
  ) {}

  async charge(request: GatewayCharge): Promise<GatewayOutcome> {
    this.charges.push(request);
    return this.answer(request, this.charges.length);
  }

  async void(key: string): Promise<boolean> {
    this.voids.push(key);
    return true;
  }
}
