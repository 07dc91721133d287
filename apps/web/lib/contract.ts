/**
 * Local copy of the parts of /work/shared/docs/API.md that the API router may not export yet.
 * `lib/api.ts` prefers the real AppRouter types for every procedure the router has, and falls back to these
 * only for procedures that do not exist yet, so the UI typechecks before and after they land.
 */

export type QueueStatus = 'WAITING' | 'ACTIVE' | 'EXPIRED' | 'SOLD_OUT';
export type ReservationStatus = 'HELD' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';
export type PaymentStatus = 'PENDING' | 'COMPLETED' | 'FAILED';
export type PaymentFailureReason = 'INSUFFICIENT_BALANCE' | 'HOLD_EXPIRED' | 'GATEWAY_DECLINED' | 'GATEWAY_UNAVAILABLE';

export interface ReservationView {
  reservationId: number;
  seatId: number;
  scheduleId: number;
  concertId: number;
  amount: number;
  status: ReservationStatus;
  expiresAt: string;
}

type Proc<K extends 'query' | 'mutation', I, O> = { kind: K; input: I; output: O };
type Empty = Record<string, never>;

export interface Contract {
  auth: {
    devSignIn: Proc<'mutation', { userId: number }, { sessionToken: string; userId: number; expiresAt: string }>;
  };
  queue: {
    enter: Proc<
      'mutation',
      { concertId: number },
      {
        queueToken: string;
        status: QueueStatus;
        position: number | null;
        etaSeconds: number | null;
        pollAfterMs: number;
      }
    >;
    status: Proc<
      'query',
      Empty | undefined,
      {
        status: QueueStatus;
        position: number | null;
        etaSeconds: number | null;
        pollAfterMs: number;
        activeUntil: string | null;
      }
    >;
    leave: Proc<'mutation', Empty, { ok: true }>;
  };
  catalog: {
    concerts: Proc<
      'query',
      { cursor?: number; limit?: number; q?: string },
      {
        items: {
          concertId: number;
          title: string;
          artist: string;
          venue: string;
          firstDate: string | null;
          lastDate: string | null;
        }[];
        nextCursor: number | null;
      }
    >;
    availableDates: Proc<
      'query',
      { concertId: number },
      { concertId: number; dates: { scheduleId: number; startsAt: string; availableSeats: number }[] }
    >;
    sections: Proc<
      'query',
      { scheduleId: number },
      {
        scheduleId: number;
        sections: { sectionId: number; name: string; price: number; availableSeats: number; totalSeats: number }[];
      }
    >;
    availableSeats: Proc<
      'query',
      { scheduleId: number; sectionId?: number },
      {
        scheduleId: number;
        seats: { seatId: number; sectionId: number; row: string; number: number; price: number }[];
      }
    >;
  };
  reservation: {
    hold: Proc<'mutation', { seatId: number }, Omit<ReservationView, 'status'> & { status: 'HELD' }>;
    release: Proc<'mutation', { reservationId: number }, { reservationId: number; status: 'RELEASED' }>;
    mine: Proc<'query', Empty, { items: ReservationView[] }>;
  };
  wallet: {
    balance: Proc<'query', Empty, { balance: number }>;
    charge: Proc<'mutation', { amount: number; idempotencyKey: string }, { balance: number; transactionId: number }>;
  };
  payment: {
    pay: Proc<
      'mutation',
      { reservationId: number; idempotencyKey: string },
      { paymentId: number; status: PaymentStatus }
    >;
    status: Proc<
      'query',
      { paymentId: number },
      {
        paymentId: number;
        reservationId: number;
        amount: number;
        status: PaymentStatus;
        failureReason: PaymentFailureReason | null;
        completedAt: string | null;
      }
    >;
  };
  admin: {
    /** The contract only promises "queue, sales and payment figures per concert"; the dashboard renders any shape. */
    overview: Proc<'query', Empty, unknown>;
  };
}

/** Which procedures are queries and which are mutations (the untyped client needs to know). */
export const PROCEDURE_KINDS = {
  'auth.devSignIn': 'mutation',
  'queue.enter': 'mutation',
  'queue.status': 'query',
  'queue.leave': 'mutation',
  'catalog.concerts': 'query',
  'catalog.availableDates': 'query',
  'catalog.sections': 'query',
  'catalog.availableSeats': 'query',
  'reservation.hold': 'mutation',
  'reservation.release': 'mutation',
  'reservation.mine': 'query',
  'wallet.balance': 'query',
  'wallet.charge': 'mutation',
  'payment.pay': 'mutation',
  'payment.status': 'query',
  'admin.overview': 'query',
} as const satisfies Record<ProcedurePath, 'query' | 'mutation'>;

/** `'queue.status' | 'reservation.hold' | ...` */
export type ProcedurePath = {
  [NS in keyof Contract]: { [P in keyof Contract[NS]]: `${NS}.${P & string}` }[keyof Contract[NS]];
}[keyof Contract];

/** The contract entry for a path. */
export type ContractProc<P extends ProcedurePath> = P extends `${infer NS}.${infer N}`
  ? NS extends keyof Contract
    ? N extends keyof Contract[NS]
      ? Contract[NS][N]
      : never
    : never
  : never;
