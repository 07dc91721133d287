import type { ConcertDirectory } from '@concert/domain';
import { sql } from 'kysely';
import type { Db } from '../db/database';

export interface ConcertDirectoryOptions {
  /** How long a concert known to exist is trusted (concerts are not deleted while people queue). */
  readonly positiveTtlMs?: number;
  /** How long an unknown id stays unknown: short, so a concert created a moment ago is found soon. */
  readonly negativeTtlMs?: number;
}

/**
 * The queue's view of the catalog. `exists` is cached in process and concurrent misses for one id share one
 * query, so queue.enter does not touch MySQL per request even at a burst of thousands per second.
 */
export class KyselyConcertDirectory implements ConcertDirectory {
  private readonly known = new Map<number, { exists: boolean; untilMs: number }>();
  private readonly inFlight = new Map<number, Promise<boolean>>();
  private readonly positiveTtlMs: number;
  private readonly negativeTtlMs: number;

  constructor(
    private readonly db: Db,
    options: ConcertDirectoryOptions = {},
  ) {
    this.positiveTtlMs = options.positiveTtlMs ?? 5 * 60_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 5_000;
  }

  async exists(concertId: number): Promise<boolean> {
    const hit = this.known.get(concertId);
    if (hit && hit.untilMs > Date.now()) return hit.exists;
    const pending = this.inFlight.get(concertId);
    if (pending) return pending;
    const lookup = this.db
      .selectFrom('concerts')
      .select('id')
      .where('id', '=', concertId)
      .executeTakeFirst()
      .then((row) => {
        const exists = row !== undefined;
        if (this.known.size > 100_000) this.known.clear();
        this.known.set(concertId, { exists, untilMs: Date.now() + (exists ? this.positiveTtlMs : this.negativeTtlMs) });
        return exists;
      })
      .finally(() => this.inFlight.delete(concertId));
    this.inFlight.set(concertId, lookup);
    return lookup;
  }

  async withSellableSeats(concertIds: readonly number[]): Promise<Set<number>> {
    if (concertIds.length === 0) return new Set();
    // EXISTS per section through the (section_id, status) index stops at the first sellable seat.
    const rows = await this.db
      .selectFrom('schedules as sc')
      .innerJoin('sections as se', 'se.schedule_id', 'sc.id')
      .select('sc.concert_id')
      .distinct()
      .where('sc.concert_id', 'in', [...concertIds])
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('seats as s')
            .select(sql.lit(1).as('one'))
            .whereRef('s.section_id', '=', 'se.id')
            .where('s.status', 'in', ['AVAILABLE', 'HELD']),
        ),
      )
      .execute();
    return new Set(rows.map((r) => Number(r.concert_id)));
  }
}
