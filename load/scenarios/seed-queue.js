// The seed's final queue profile (30 s stages: 1,000 .. 6,500 .. 0 VUs; PROFILE=first: its first run, 5,500 ..
// 8,500 .. 0), scaled by SCALE (default 0.1) so it
// fits a 2-core machine that also runs the API. Each VU signs in as its own user, enters the queue of CONCERT
// (default 1: one long line, as in the seed), then polls queue.status sleeping pollAfterMs between polls.
// When its pass turns ACTIVE it leaves the queue (freeing the slot) and comes back as a new user, so the line
// keeps moving. Closed model.
// k6:  k6 run load/scenarios/seed-queue.js -e API_URL=http://127.0.0.1:3001 -e SCALE=0.1
// ours: npm run load -- seed-queue [--env SCALE=0.05] [--env STAGE=10s | --duration 2m]
import { check, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import { authHeaders, dataOf, envInt, mutate, query, signIn, stageLength } from './lib/trpc.js';

const SCALE = envInt('SCALE', 0.1);
const USERS = envInt('USERS', 10000);
const CONCERT = envInt('CONCERT', 1);
// The seed's two queue runs (VUs per 30 s stage); PROFILE=first picks the first (peak 8,500 VUs).
const FINAL_RUN = [1000, 2000, 3000, 4000, 5000, 6000, 6500, 6000, 4000, 2000, 0];
const FIRST_RUN = [5500, 8000, 8500, 8000, 7000, 6000, 5000, 3000, 1000, 0];
const PROFILE = __ENV.PROFILE === 'first' ? FIRST_RUN : FINAL_RUN;

// Each VU owns a block of users (PEAK VUs x BLOCK <= USERS) and cycles through it, so two VUs never hold the same
// user at once: shared users would share a pass and a rate-limit bucket, and poll twice as often as told.
const PEAK = Math.max(1, ...PROFILE.map((n) => Math.round(n * SCALE)));
const BLOCK = Math.max(1, Math.floor(USERS / PEAK));

const admitted = new Counter('queue_admitted');
const waitToActive = new Trend('queue_wait_to_active', true);
const pollFailed = new Counter('queue_poll_failed');

export const options = {
  stages: PROFILE.map((n) => ({ duration: stageLength(PROFILE.length, '30s'), target: Math.round(n * SCALE) })),
  thresholds: {
    http_req_failed: ['rate<0.01'],
    // The seed's final run: p95 10 ms at ~430 req/s.
    'http_req_duration{name:queue.status}': [`p(95)<${envInt('P95', 50)}`],
  },
};

// Per-VU state (each k6 VU has its own copy of module state).
let session = null;
let pass = null;
let enteredAt = 0;
let generation = 0;

export default function () {
  if (!pass) {
    const userId = 1 + (((__VU - 1) * BLOCK + (generation % BLOCK)) % USERS);
    generation++;
    session = signIn(userId);
    if (!session) return;
    const entered = dataOf(mutate('queue.enter', { concertId: CONCERT }, authHeaders(session)));
    if (!check(entered, { 'queue: entered': (e) => e !== null })) return;
    pass = entered;
    enteredAt = Date.now();
    sleep(Math.max(50, Number(entered.pollAfterMs) || 1000) / 1000);
    return;
  }
  const res = query('queue.status', {}, authHeaders(session, pass.queueToken));
  const status = dataOf(res);
  check(res, { 'queue: status 200': (r) => r.status === 200 });
  if (!status) {
    pollFailed.add(1);
    pass = null;
    sleep(1);
    return;
  }
  if (status.status === 'ACTIVE') {
    admitted.add(1);
    waitToActive.add(Date.now() - enteredAt);
    mutate('queue.leave', {}, authHeaders(session, pass.queueToken));
    pass = null;
    return;
  }
  if (status.status !== 'WAITING') {
    pass = null;
    return;
  }
  sleep(Math.max(50, Number(status.pollAfterMs) || 1000) / 1000);
}
