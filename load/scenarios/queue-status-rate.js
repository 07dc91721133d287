// Open model: RATE (default 3,000) queue.status polls per second for DURATION (default 30s), spread over POOL
// (default 2,000) users who entered the queues of CONCERTS (default 10) concerts in setup().
// k6:  k6 run load/scenarios/queue-status-rate.js -e API_URL=http://127.0.0.1:3001 -e RATE=3000
// ours: npm run load -- queue-status-rate [--rate 3000] [--duration 30s]

import { check } from 'k6';
import exec from 'k6/execution';
import { arrivalRateScenario, authHeaders, enterMany, envInt, query, signInMany } from './lib/trpc.js';

const POOL = envInt('POOL', 2000);
const CONCERTS = envInt('CONCERTS', 10);
const FIRST_USER = envInt('FIRST_USER', 1);

export const options = {
  setupTimeout: '120s',
  scenarios: { queue_status: arrivalRateScenario(3000) },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:queue.status}': [`p(95)<${envInt('P95', 50)}`],
    dropped_iterations: [`count<${envInt('MAX_DROPPED', 100)}`],
  },
};

export function setup() {
  const users = signInMany(FIRST_USER, POOL, 100);
  const passes = enterMany(
    users.map((u, i) => ({ sessionToken: u.sessionToken, concertId: 1 + (i % CONCERTS) })),
    100,
  );
  if (passes.length === 0) throw new Error('setup: no queue pass could be obtained (is queue.enter deployed?)');
  return { passes: passes.map((p) => [p.sessionToken, p.queueToken]) };
}

export default function (data) {
  const pass = data.passes[exec.scenario.iterationInTest % data.passes.length];
  const res = query('queue.status', {}, authHeaders(pass[0], pass[1]));
  check(res, { 'queue.status: 200': (r) => r.status === 200 });
}
