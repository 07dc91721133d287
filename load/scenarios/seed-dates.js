// The seed's profile on catalog.availableDates: 100/200/300/200/100/0 VUs, 20 s stages (closed model),
// each VU asks for the dates of a random concert, then sleeps SLEEP seconds (default 1).
// k6:  k6 run load/scenarios/seed-dates.js -e API_URL=http://127.0.0.1:3001
// ours: npm run load -- seed-dates [--env STAGE=5s | --duration 30s]
import { check, sleep } from 'k6';
import { dataOf, envInt, query, randInt, seedStages } from './lib/trpc.js';

const CONCERTS = envInt('CONCERTS', 1000);
const SLEEP = envInt('SLEEP', 1);

export const options = {
  stages: seedStages(),
  thresholds: {
    http_req_failed: ['rate<0.01'],
    // The seed's cached p95 was 532 ms; we must be far below it.
    'http_req_duration{name:catalog.availableDates}': [`p(95)<${envInt('P95', 100)}`],
  },
};

export default function () {
  const res = query('catalog.availableDates', { concertId: randInt(1, CONCERTS) });
  const data = dataOf(res);
  check(res, {
    'dates: status 200': (r) => r.status === 200,
    'dates: has dates': () => data !== null && Array.isArray(data.dates) && data.dates.length > 0,
  });
  sleep(SLEEP);
}
