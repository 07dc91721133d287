import { describe, expect, it } from 'vitest';
import { heldReservations, mapWithLimit } from './batch';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('batch helpers', () => {
  it('mapWithLimit: results in input order, never more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapWithLimit([5, 1, 4, 2, 3, 6, 7], 3, async (n) => {
      most = Math.max(most, ++inFlight);
      await tick();
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 60, 70]);
    expect(most).toBe(3);
  });

  it('mapWithLimit: rejects on the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapWithLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n);
        await tick();
        if (n === 2) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    await tick();
    expect(started.length).toBeLessThanOrEqual(3);
  });

  it('heldReservations: one entry per reservation, a redelivered event once', () => {
    const held = (reservationId: number) => ({
      data: {
        reservationId,
        userId: 7,
        seatId: 3,
        scheduleId: 9,
        sectionId: 10,
        concertId: 2,
        amount: 150_000,
        expiresAt: '2026-12-01T10:05:00.000Z',
      },
    });
    expect([...heldReservations([held(42), held(43), held(42)]).keys()]).toEqual([42, 43]);
  });
});
