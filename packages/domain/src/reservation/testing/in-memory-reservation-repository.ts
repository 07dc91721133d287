import { err, ok, type Result } from '../../shared';
import type {
  HoldRejection,
  HoldRequest,
  HoldSuccess,
  ReservationRepository,
  SeatRef,
} from '../ports/reservation-repository.port';
import type { Reservation } from '../reservation.entity';

interface FakeSeat extends SeatRef {
  status: 'AVAILABLE' | 'HELD' | 'SOLD';
  holderId: number | null;
  heldUntil: Date | null;
}

/**
 * The repository port over plain maps, with the same conditional semantics as the MySQL adapter. Each method
 * runs without awaiting in between, so in a single-threaded test it is as atomic as the SQL transaction.
 */
export class InMemoryReservationRepository implements ReservationRepository {
  readonly seats = new Map<number, FakeSeat>();
  readonly reservations = new Map<number, Reservation>();
  private nextId = 1;

  addSeat(seat: SeatRef): this {
    this.seats.set(seat.seatId, { ...seat, status: 'AVAILABLE', holderId: null, heldUntil: null });
    return this;
  }

  seat(seatId: number): FakeSeat {
    const seat = this.seats.get(seatId);
    if (!seat) throw new Error(`no seat ${seatId}`);
    return seat;
  }

  async findSeat(seatId: number): Promise<SeatRef | null> {
    const seat = this.seats.get(seatId);
    if (!seat) return null;
    const { status: _s, holderId: _h, heldUntil: _u, ...ref } = seat;
    return ref;
  }

  async hold(request: HoldRequest): Promise<Result<HoldSuccess, HoldRejection>> {
    const seat = this.seat(request.seat.seatId);
    const now = request.now.getTime();
    const free = seat.status === 'AVAILABLE' || (seat.status === 'HELD' && (seat.heldUntil?.getTime() ?? 0) <= now);
    if (!free) return err('SEAT_UNAVAILABLE');
    const live = [...this.reservations.values()].filter(
      (r) =>
        r.userId === request.userId &&
        r.scheduleId === seat.scheduleId &&
        r.status === 'HELD' &&
        r.expiresAt.getTime() > now,
    );
    if (live.length >= request.limitPerDate) return err('HOLD_LIMIT_REACHED');
    let replaced: Reservation | null = null;
    for (const r of this.reservations.values()) {
      if (r.seatId === seat.seatId && (r.status === 'HELD' || r.status === 'CONFIRMED')) {
        if (r.status !== 'HELD' || r.expiresAt.getTime() > now) return err('SEAT_UNAVAILABLE');
        replaced = r;
        this.reservations.set(r.reservationId, { ...r, status: 'EXPIRED' });
      }
    }
    seat.status = 'HELD';
    seat.holderId = request.userId;
    seat.heldUntil = request.expiresAt;
    const reservation: Reservation = {
      reservationId: this.nextId++,
      userId: request.userId,
      seatId: seat.seatId,
      scheduleId: seat.scheduleId,
      sectionId: seat.sectionId,
      concertId: seat.concertId,
      amount: seat.price,
      status: 'HELD',
      expiresAt: request.expiresAt,
    };
    this.reservations.set(reservation.reservationId, reservation);
    return ok({ reservation, replaced });
  }

  async findById(reservationId: number): Promise<Reservation | null> {
    return this.reservations.get(reservationId) ?? null;
  }

  private end(
    reservationId: number,
    to: 'RELEASED' | 'EXPIRED' | 'CONFIRMED',
    guard: (r: Reservation) => boolean,
  ): boolean {
    const r = this.reservations.get(reservationId);
    if (r?.status !== 'HELD' || !guard(r)) return false;
    const seat = this.seat(r.seatId);
    if (seat.status !== 'HELD' || seat.holderId !== r.userId) return false;
    this.reservations.set(reservationId, { ...r, status: to });
    seat.status = to === 'CONFIRMED' ? 'SOLD' : 'AVAILABLE';
    if (to !== 'CONFIRMED') seat.holderId = null;
    seat.heldUntil = null;
    return true;
  }

  async release(reservationId: number, userId: number): Promise<boolean> {
    return this.end(reservationId, 'RELEASED', (r) => r.userId === userId);
  }

  async expire(reservationId: number, now: Date): Promise<boolean> {
    return this.end(reservationId, 'EXPIRED', (r) => r.expiresAt.getTime() <= now.getTime());
  }

  async confirmSale(reservationId: number, options: { notAfter?: Date } = {}): Promise<boolean> {
    const notAfter = options.notAfter?.getTime();
    return this.end(reservationId, 'CONFIRMED', (r) => notAfter === undefined || r.expiresAt.getTime() > notAfter);
  }

  async listDueHolds(now: Date, limit: number): Promise<Reservation[]> {
    return [...this.reservations.values()]
      .filter((r) => r.status === 'HELD' && r.expiresAt.getTime() <= now.getTime())
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit);
  }

  async listByUser(userId: number, limit: number): Promise<Reservation[]> {
    return [...this.reservations.values()]
      .filter((r) => r.userId === userId)
      .sort((a, b) => b.reservationId - a.reservationId)
      .slice(0, limit);
  }
}
