import { startWebhookSimulator } from '@concert/adapters';
import { createTestDatabase, createTestRedis } from '@concert/adapters/testing';
import { startApi } from '../api-harness';
import { seedFixture } from './fixture';
import { signInWithActivePass, trpc } from './trpc-http';

const tdb = await createTestDatabase('reservation_scratch');
const tredis = await createTestRedis('reservation_scratch');
const webhook = await startWebhookSimulator({ latencyMs: Number(process.env.LAT ?? 0) });
const fx = await seedFixture(tdb.db, { users: 20, concerts: 1, seatsPerSection: 50 });
const envX = {
  DATABASE_URL: tdb.url,
  REDIS_URL: tredis.url,
  REDIS_PREFIX: tredis.prefix,
  AUTH_SECRET: 'x'.repeat(40),
  QUEUE_TICK_MS: '100',
  NOTIFY_WEBHOOK_URL: webhook.url,
  API_HARNESS_VERBOSE: '1',
};
const [api, api2] = await Promise.all([startApi(envX), startApi(envX)]);
try {
  const c = fx.schedules[0]!;
  const ids: number[] = [];
  for (let u = 1; u <= 3; u++) {
    const p = await signInWithActivePass(api.url, u, c.concertId);
    for (let i = 0; i < 3; i++) {
      const r = await trpc<{ reservationId: number }>(
        api.url,
        'mutation',
        'reservation.hold',
        { seatId: c.seatIds[u * 4 + i] },
        p,
      );
      console.log('hold', r.status, r.ms.toFixed(1), r.data?.reservationId);
      ids.push(r.data!.reservationId);
    }
  }
  await new Promise((r) => setTimeout(r, 5000));
  for (const id of ids) console.log(id, webhook.received.filter((m) => m.text?.includes(`#${id},`)).length);
  console.log(
    await (await fetch(`${api.url}/metrics`)).text().then((t) =>
      t
        .split('\n')
        .filter((l) => /workflow|inngest/.test(l))
        .join('\n'),
    ),
  );
} finally {
  await api.stop();
  await api2.stop();
  await webhook.close();
  await tdb.destroy();
  await tredis.destroy();
}
