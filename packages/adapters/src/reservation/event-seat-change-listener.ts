import type { EventPublisher, SeatChange, SeatChangeListener } from '@concert/domain';

/**
 * Tells every API process that a section's availability changed (`catalog/section.changed`), which evicts its
 * cached seats. Used when no richer catalog hook is wired in; like the publisher, it never throws.
 */
export class EventSeatChangeListener implements SeatChangeListener {
  constructor(private readonly events: EventPublisher) {}

  async seatChanged(change: SeatChange): Promise<void> {
    await this.events.publish({
      name: 'catalog/section.changed',
      data: { scheduleId: change.scheduleId, sectionId: change.sectionId },
    });
  }
}
