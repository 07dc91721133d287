// Open model: RATE (default 3,000) catalog.availableSeats requests per second for DURATION (default 30s),
// on random dates (schedules) 1..SCHEDULES.
// k6:  k6 run load/scenarios/catalog-seats-rate.js -e API_URL=http://127.0.0.1:3001 -e RATE=3000
// ours: npm run load -- catalog-seats-rate [--rate 3000] [--duration 30s]
import { check } from 'k6';
import { arrivalRateScenario, envInt, query, randInt } from './lib/trpc.js';

const SCHEDULES = envInt('SCHEDULES', 10000);

export const options = {
  scenarios: { catalog_seats: arrivalRateScenario(3000) },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:catalog.availableSeats}': [`p(95)<${envInt('P95', 50)}`],
    dropped_iterations: [`count<${envInt('MAX_DROPPED', 100)}`],
  },
};

export default function () {
  const res = query('catalog.availableSeats', { scheduleId: randInt(1, SCHEDULES) });
  check(res, { 'seats: 200': (r) => r.status === 200 });
}
