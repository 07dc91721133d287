import type { SeatRef } from '@concert/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/database';
import { createTestDatabase, type TestDatabase } from '../testing';
import { KyselyReservationRepository } from './kysely-reservation-repository';

let tdb: TestDatabase;
let db: Db;
let repo: KyselyReservationRepository;
const seats: number[] = [];
let scheduleA = 0;

beforeAll(async () => {
  tdb = await createTestDatabase('reservation_repository');
  db = tdb.db;
  repo = new KyselyReservationRepository(db);
  await db
    .insertInto('users')
    .values(Array.from({ length: 250 }, (_, i) => ({ name: `user-${i + 1}` })))
    .execute();
  const concert = await db
    .insertInto('concerts')
    .values({ title: 'Repo test', artist: 'A', venue: 'V', first_date: null, last_date: null })
    .executeTakeFirstOrThrow();
  const concertId = Number(concert.insertId);
  const schedule = await db
    .insertInto('schedules')
    .values({ concert_id: concertId, starts_at: new Date('2027-01-01T19:00:00Z') })
    .executeTakeFirstOrThrow();
  scheduleA = Number(schedule.insertId);
  const section = await db
    .insertInto('sections')
    .values({ schedule_id: scheduleA, name: 'A', price: 77_000, total_seats: 40 })
    .executeTakeFirstOrThrow();
  for (let i = 1; i <= 40; i++) {
    const seat = await db
      .insertInto('seats')
      .values({
        schedule_id: scheduleA,
        section_id: Number(section.insertId),
        row_label: 'A',
        number: i,
        status: 'AVAILABLE',
        holder_id: null,
        held_until: null,
      })
      .executeTakeFirstOrThrow();
    seats.push(Number(seat.insertId));
  }
});

afterAll(async () => {
  await tdb?.destroy();
});

const seatRef = async (seatId: number): Promise<SeatRef> => {
  const ref = await repo.findSeat(seatId);
  if (!ref) throw new Error(`seat ${seatId} missing`);
  return ref;
};
const inMinutes = (now: Date, m: number) => new Date(now.getTime() + m * 60_000);
const seatRow = (id: number) => db.selectFrom('seats').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const resRow = (id: number) => db.selectFrom('reservations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('KyselyReservationRepository', () => {
  it('finds a seat with its date, section, concert and section price', async () => {
    const ref = await seatRef(seats[0] ?? 0);
    expect(ref).toMatchObject({ seatId: seats[0], scheduleId: scheduleA, price: 77_000 });
    expect(await repo.findSeat(999_999)).toBeNull();
  });

  it('200 concurrent holds on one seat: exactly one HELD row, 199 SEAT_UNAVAILABLE', async () => {
    const seat = await seatRef(seats[1] ?? 0);
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        repo.hold({ userId: i + 1, seat, now, expiresAt: inMinutes(now, 5), limitPerDate: 4 }),
      ),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'SEAT_UNAVAILABLE')).toHaveLength(199);
    const rows = await db.selectFrom('reservations').selectAll().where('seat_id', '=', seat.seatId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('HELD');
    const row = await seatRow(seat.seatId);
    expect(row.status).toBe('HELD');
    expect(Number(row.holder_id)).toBe(rows[0]?.user_id);
    expect(rows[0]?.amount).toBe(77_000);
  });

  it('enforces the per-date limit even when one user holds many seats at once', async () => {
    const now = new Date();
    const refs = await Promise.all(seats.slice(2, 12).map(seatRef));
    const results = await Promise.all(
      refs.map((seat) => repo.hold({ userId: 240, seat, now, expiresAt: inMinutes(now, 5), limitPerDate: 4 })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    expect(results.filter((r) => !r.ok && r.error === 'HOLD_LIMIT_REACHED')).toHaveLength(6);
    // The refused ones left their seats AVAILABLE (the transaction rolled back).
    const held = await db.selectFrom('seats').select('id').where('holder_id', '=', 240).execute();
    expect(held).toHaveLength(4);
  });

  it('takes over a hold past its deadline, expiring the old reservation in the same transaction', async () => {
    const seat = await seatRef(seats[12] ?? 0);
    const past = new Date(Date.now() - 10 * 60_000);
    const first = await repo.hold({ userId: 201, seat, now: past, expiresAt: inMinutes(past, 1), limitPerDate: 4 });
    if (!first.ok) throw new Error('first hold failed');
    const now = new Date();
    const second = await repo.hold({ userId: 202, seat, now, expiresAt: inMinutes(now, 5), limitPerDate: 4 });
    if (!second.ok) throw new Error(`takeover failed: ${second.error}`);
    expect(second.value.replaced).toEqual({ ...first.value.reservation, status: 'EXPIRED' });
    expect((await resRow(first.value.reservation.reservationId)).status).toBe('EXPIRED');
    expect((await resRow(second.value.reservation.reservationId)).status).toBe('HELD');
    expect(Number((await seatRow(seat.seatId)).holder_id)).toBe(202);
    // A live hold is never taken over.
    const third = await repo.hold({ userId: 203, seat, now, expiresAt: inMinutes(now, 5), limitPerDate: 4 });
    expect(third).toEqual({ ok: false, error: 'SEAT_UNAVAILABLE' });
  });

  it('a live reservation row blocks a hold even if the seat row says AVAILABLE (the UNIQUE column)', async () => {
    const seat = await seatRef(seats[13] ?? 0);
    const now = new Date();
    const first = await repo.hold({ userId: 204, seat, now, expiresAt: inMinutes(now, 5), limitPerDate: 4 });
    if (!first.ok) throw new Error('hold failed');
    // Corrupt the seat row on purpose: the database must still refuse a second live reservation.
    await db.updateTable('seats').set({ status: 'AVAILABLE', holder_id: null }).where('id', '=', seat.seatId).execute();
    const second = await repo.hold({ userId: 205, seat, now, expiresAt: inMinutes(now, 5), limitPerDate: 4 });
    expect(second).toEqual({ ok: false, error: 'SEAT_UNAVAILABLE' });
    // The refused transaction rolled the seat update back.
    expect((await seatRow(seat.seatId)).holder_id).toBeNull();
  });

  it('release: only the owner, only while HELD; the seat becomes AVAILABLE', async () => {
    const seat = await seatRef(seats[14] ?? 0);
    const now = new Date();
    const held = await repo.hold({ userId: 206, seat, now, expiresAt: inMinutes(now, 5), limitPerDate: 4 });
    if (!held.ok) throw new Error('hold failed');
    const id = held.value.reservation.reservationId;
    expect(await repo.release(id, 207)).toBe(false);
    expect(await repo.release(id, 206)).toBe(true);
    expect(await repo.release(id, 206)).toBe(false);
    expect((await resRow(id)).status).toBe('RELEASED');
    expect(await seatRow(seat.seatId)).toMatchObject({ status: 'AVAILABLE', holder_id: null, held_until: null });
  });

  it('expire: only after the deadline; never undoes a sale, even racing it', async () => {
    const now = new Date();
    const refs = await Promise.all(seats.slice(15, 35).map(seatRef));
    const holds = await Promise.all(
      refs.map((seat, i) =>
        repo.hold({ userId: 210 + i, seat, now, expiresAt: new Date(now.getTime() + 500), limitPerDate: 4 }),
      ),
    );
    const ids = holds.map((h) => (h.ok ? h.value.reservation.reservationId : 0));
    expect(await repo.expire(ids[0] ?? 0, now)).toBe(false);
    const later = new Date(now.getTime() + 1_000);
    // Race a sale against an expiry on each hold; each pair must end either SOLD+CONFIRMED or AVAILABLE+EXPIRED.
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const [sold, expired] = await Promise.all([repo.confirmSale(id), repo.expire(id, later)]);
        return { id, sold, expired };
      }),
    );
    for (const { id, sold, expired } of outcomes) {
      expect(sold !== expired).toBe(true);
      const r = await resRow(id);
      const s = await seatRow(r.seat_id);
      if (sold) {
        expect([r.status, s.status]).toEqual(['CONFIRMED', 'SOLD']);
        expect(Number(s.holder_id)).toBe(r.user_id);
      } else {
        expect([r.status, s.status]).toEqual(['EXPIRED', 'AVAILABLE']);
      }
    }
    // A sold seat cannot be expired afterwards, nor held.
    const sold = outcomes.find((o) => o.sold);
    if (sold) {
      expect(await repo.expire(sold.id, new Date(now.getTime() + 60_000))).toBe(false);
      const r = await resRow(sold.id);
      const again = await repo.hold({
        userId: 249,
        seat: await seatRef(r.seat_id),
        now: new Date(now.getTime() + 60_000),
        expiresAt: inMinutes(now, 10),
        limitPerDate: 4,
      });
      expect(again).toEqual({ ok: false, error: 'SEAT_UNAVAILABLE' });
    }
  });

  it('confirmSale with notAfter refuses a hold past its deadline', async () => {
    const seat = await seatRef(seats[35] ?? 0);
    const now = new Date();
    const held = await repo.hold({
      userId: 230,
      seat,
      now,
      expiresAt: new Date(now.getTime() + 1_000),
      limitPerDate: 4,
    });
    if (!held.ok) throw new Error('hold failed');
    const id = held.value.reservation.reservationId;
    expect(await repo.confirmSale(id, { notAfter: new Date(now.getTime() + 2_000) })).toBe(false);
    expect(await repo.confirmSale(id, { notAfter: now })).toBe(true);
  });

  it('lists due holds and a user reservations, most recent first', async () => {
    const due = await repo.listDueHolds(new Date(Date.now() + 60 * 60_000), 1000);
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((r) => r.status === 'HELD')).toBe(true);
    const mine = await repo.listByUser(240, 50);
    expect(mine).toHaveLength(4);
    expect(mine.map((r) => r.reservationId)).toEqual([...mine.map((r) => r.reservationId)].sort((a, b) => b - a));
    const { n } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM reservations WHERE active_seat_id IS NOT NULL`
      .execute(db)
      .then((r) => r.rows[0] ?? { n: 0 });
    expect(Number(n)).toBeGreaterThan(0);
  });
});
