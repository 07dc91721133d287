import type { BookingNotifier, NotificationMessage } from '../ports/booking-notifier.port';
import type { SeatHeldData } from '../reservation.events';

/** The text people read in the channel. Plain and short: ids and the deadline, nothing personal. */
export function holdNotice(held: SeatHeldData): NotificationMessage {
  return {
    text:
      `:ticket: Seat ${held.seatId} held (reservation #${held.reservationId}, user ${held.userId}, ` +
      `concert ${held.concertId}, date ${held.scheduleId}, ${held.amount.toLocaleString('en-US')} won) ` +
      `until ${held.expiresAt}`,
  };
}

/** Sends one booking notice. Throws when the notifier fails, so the workflow calling it retries. */
export function createNotifyBooking(deps: { readonly notifier: BookingNotifier }) {
  return async function notifyBooking(held: SeatHeldData): Promise<void> {
    await deps.notifier.send(holdNotice(held));
  };
}

export type NotifyBooking = ReturnType<typeof createNotifyBooking>;

/** What a "seat sold" notice needs; the payment context's `payment/completed` event carries it. */
export interface SeatSoldData {
  readonly paymentId: number;
  readonly reservationId: number;
  readonly userId: number;
  readonly seatId: number;
  readonly concertId: number;
  readonly scheduleId: number;
  readonly amount: number;
  readonly completedAt: string;
}

export function soldNotice(sold: SeatSoldData): NotificationMessage {
  return {
    text:
      `:white_check_mark: Seat ${sold.seatId} sold (payment #${sold.paymentId}, reservation #${sold.reservationId}, ` +
      `user ${sold.userId}, concert ${sold.concertId}, date ${sold.scheduleId}, ` +
      `${sold.amount.toLocaleString('en-US')} won) at ${sold.completedAt}`,
  };
}

/** Sends one "seat sold" notice. Throws when the notifier fails, so the workflow calling it retries. */
export function createNotifySale(deps: { readonly notifier: BookingNotifier }) {
  return async function notifySale(sold: SeatSoldData): Promise<void> {
    await deps.notifier.send(soldNotice(sold));
  };
}

export type NotifySale = ReturnType<typeof createNotifySale>;
