import { createTestDatabase, createTestRedis } from '@concert/adapters/testing';
import { createContainer } from '../../src/container';
import { parseEnv } from '../../src/env';
import { seedFixture } from './fixture';

const tdb = await createTestDatabase('reservation_scratch3');
const tredis = await createTestRedis('reservation_scratch3');
const fx = await seedFixture(tdb.db, { users: 400, concerts: 1, seatsPerSection: 800 });
const env = parseEnv({
  DATABASE_URL: tdb.url,
  REDIS_URL: tredis.url,
  REDIS_PREFIX: tredis.prefix,
  LOG_LEVEL: 'silent',
  NOTIFY_WEBHOOK_URL: process.env.HOOK,
} as NodeJS.ProcessEnv);
const c = createContainer(env);
if (process.env.WF === '1') await c.workflows.start();
const s = fx.schedules[0]!;
let seat = 0;
async function phase(label: string, n: number, fn: (i: number) => Promise<unknown>) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    label,
    'wall/op',
    (wall / n).toFixed(2),
    'ms; cpu/op',
    ((cpu.user + cpu.system) / 1000 / n).toFixed(2),
    'ms',
  );
}
await phase('findSeat', 200, (i) => c.reservation.repository.findSeat(s.seatIds[1000 + i]!));
await phase('repo.hold', 200, async (i) => {
  const ref = (await c.reservation.repository.findSeat(s.seatIds[seat]!))!;
  seat++;
  const now = new Date();
  return c.reservation.repository.hold({
    userId: 1 + Math.floor(i / 4),
    seat: ref,
    now,
    expiresAt: new Date(now.getTime() + 300000),
    limitPerDate: 4,
  });
});
await phase('holdSeat use case', 300, (i) =>
  c.reservation.holdSeat({ userId: 100 + Math.floor(i / 4), seatId: s.seatIds[seat++]! }),
);
await phase('events.publish x1', 200, () =>
  c.events.publish({
    name: 'catalog/section.changed',
    data: { scheduleId: s.scheduleId, sectionId: s.sectionIds[0]! },
  }),
);
await new Promise((r) => setTimeout(r, 3000));
const cpu0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, 3000));
const cpu = process.cpuUsage(cpu0);
console.log('idle cpu over 3s', ((cpu.user + cpu.system) / 1000).toFixed(0), 'ms');
if (process.env.WF === '1') await c.workflows.stop();
await c.close();
await tdb.destroy();
await tredis.destroy();
process.exit(0);
