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
