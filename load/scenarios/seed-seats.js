// The seed's profile on catalog.availableSeats: 100/200/300/200/100/0 VUs, 20 s stages (closed model),
// each VU lists the available seats of a random date (schedule), then sleeps SLEEP seconds (default 1).
// k6:  k6 run load/scenarios/seed-seats.js -e API_URL=http://127.0.0.1:3001
// ours: npm run load -- seed-seats [--env STAGE=5s | --duration 30s]
import { check, sleep } from 'k6';
import { dataOf, envInt, query, randInt, seedStages } from './lib/trpc.js';

const SCHEDULES = envInt('SCHEDULES', 10000);
const SLEEP = envInt('SLEEP', 1);

export const options = {
  stages: seedStages(),
  thresholds: {
    http_req_failed: ['rate<0.01'],
    // The seed's p95 with the fixed query was 327 ms.
    'http_req_duration{name:catalog.availableSeats}': [`p(95)<${envInt('P95', 100)}`],
  },
};

export default function () {
  const res = query('catalog.availableSeats', { scheduleId: randInt(1, SCHEDULES) });
  const data = dataOf(res);
  check(res, {
    'seats: status 200': (r) => r.status === 200,
    'seats: has a seat list': () => data !== null && Array.isArray(data.seats),
  });
  sleep(SLEEP);
}
