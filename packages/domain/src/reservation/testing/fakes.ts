import type { Clock, DomainEvent, EventPublisher } from '../../shared';
import type { BookingNotifier, NotificationMessage } from '../ports/booking-notifier.port';
import type { SeatChange, SeatChangeListener } from '../ports/seat-change-listener.port';

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(private current = new Date('2026-12-01T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export class RecordingEventPublisher implements EventPublisher {
  readonly published: DomainEvent[] = [];
  async publish(...events: DomainEvent[]): Promise<void> {
    this.published.push(...events);
  }
  named(name: string): DomainEvent[] {
    return this.published.filter((e) => e.name === name);
  }
}

export class RecordingSeatChangeListener implements SeatChangeListener {
  readonly changes: SeatChange[] = [];
  async seatChanged(change: SeatChange): Promise<void> {
    this.changes.push({ seatId: change.seatId, scheduleId: change.scheduleId, sectionId: change.sectionId });
  }
}

export class RecordingNotifier implements BookingNotifier {
  readonly sent: NotificationMessage[] = [];
  failing = false;
  async send(message: NotificationMessage): Promise<void> {
    if (this.failing) throw new Error('webhook down');
    this.sent.push(message);
  }
}
