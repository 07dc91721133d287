// Open model: RATE (default 500) reservation.hold requests per second for DURATION (default 20s), every one on
// a distinct seat. setup() collects enough available seats (RATE x DURATION, from concert CONCERT_START on),
// signs in USERS_PER_CONCERT users per concert used and waits until their queue passes are ACTIVE; each
// iteration then holds the next seat of the list with the pass of a user of that seat's concert. Seats are
// dealt round-robin to a concert's users, so no user passes HOLD_LIMIT_PER_DATE (2 per date with 25 users).
// A 409 SEAT_UNAVAILABLE is expected (e.g. a seat taken since setup) and counted apart, not as a failure.
// k6:  k6 run load/scenarios/hold-rate.js -e API_URL=http://127.0.0.1:3001 -e RATE=500
// ours: npm run load -- hold-rate [--rate 500] [--duration 20s]

import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import {
  API,
  arrivalRateScenario,
  authHeaders,
  dataOf,
  domainCodeOf,
  durationSeconds,
  enterMany,
  envInt,
  mutate,
  query,
  signInMany,
} from './lib/trpc.js';

const RATE = envInt('RATE', 500);
const DURATION = __ENV.DURATION || '20s';
const CONCERT_START = envInt('CONCERT_START', 1);
const CONCERTS = envInt('CONCERTS', 1000);
const USERS = envInt('USERS', 10000);
const USERS_PER_CONCERT = envInt('USERS_PER_CONCERT', 25);
const ACTIVE_WAIT_MS = envInt('ACTIVE_WAIT_MS', 60000);

const held = new Counter('hold_ok');
const seatUnavailable = new Counter('hold_seat_unavailable');
const holdFailed = new Counter('hold_failed');
const noSeatLeft = new Counter('hold_no_seat_left');

const scenario = arrivalRateScenario(500);
scenario.duration = DURATION;

export const options = {
  setupTimeout: '180s',
  scenarios: { hold: scenario },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:reservation.hold}': [`p(95)<${envInt('P95', 100)}`],
    dropped_iterations: [`count<${envInt('MAX_DROPPED', 100)}`],
  },
};

const HOLD_EXPECTED = http.expectedStatuses({ min: 200, max: 299 }, 409);

export function setup() {
  const needed = Math.ceil(RATE * durationSeconds(DURATION) * 1.05);
  const concerts = []; // [{ concertId, seats: [seatId...] }]
  let total = 0;
  for (let c = CONCERT_START; c <= CONCERTS && total < needed; c++) {
    const dates = dataOf(query('catalog.availableDates', { concertId: c }));
    if (!dates) continue;
    const requests = dates.dates.map((d) => [
      'GET',
      `${API}/trpc/catalog.availableSeats?input=${encodeURIComponent(JSON.stringify({ scheduleId: d.scheduleId }))}`,
      null,
      { tags: { name: 'catalog.availableSeats' } },
    ]);
    const seats = [];
    for (const res of http.batch(requests)) {
      const data = dataOf(res);
      if (data) for (const s of data.seats) seats.push(s.seatId);
    }
    if (seats.length > 0) {
      concerts.push({ concertId: c, seats });
      total += seats.length;
    }
  }
  if (total === 0) throw new Error('setup: no available seats found');

  // USERS_PER_CONCERT users per concert, distinct across concerts.
  const entries = [];
  for (let i = 0; i < concerts.length; i++) {
    const users = signInMany(1 + ((i * USERS_PER_CONCERT) % USERS), USERS_PER_CONCERT, USERS_PER_CONCERT);
    for (const u of users) entries.push({ sessionToken: u.sessionToken, concertId: concerts[i].concertId, slot: i });
  }
  let passes = enterMany(entries, 100);
  const deadline = Date.now() + ACTIVE_WAIT_MS;
  while (passes.some((p) => p.status !== 'ACTIVE') && Date.now() < deadline) {
    sleep(1);
    const waiting = passes.filter((p) => p.status !== 'ACTIVE');
    const responses = http.batch(
      waiting.map((p) => [
        'GET',
        `${API}/trpc/queue.status`,
        null,
        { headers: authHeaders(p.sessionToken, p.queueToken), tags: { name: 'queue.status' } },
      ]),
    );
    for (let i = 0; i < waiting.length; i++) {
      const data = dataOf(responses[i]);
      if (data) waiting[i].status = data.status;
    }
  }
  passes = passes.filter((p) => p.status === 'ACTIVE');
  if (passes.length === 0) throw new Error('setup: no queue pass became ACTIVE');

  // Deal each concert's seats round-robin to its users, then interleave concerts so load spreads out.
  const passList = passes.map((p) => [p.sessionToken, p.queueToken]);
  const perConcert = concerts.map((c, i) => {
    const mine = [];
    passes.forEach((p, idx) => {
      if (p.slot === i) mine.push(idx);
    });
    return mine.length === 0 ? [] : c.seats.map((seatId, k) => [seatId, mine[k % mine.length]]);
  });
  const work = [];
  for (let k = 0; work.length < total; k++) {
    let any = false;
    for (const list of perConcert) {
      if (k < list.length) {
        work.push(list[k]);
        any = true;
      }
    }
    if (!any) break;
  }
  return { passes: passList, work };
}

export default function (data) {
  const i = exec.scenario.iterationInTest;
  if (i >= data.work.length) {
    noSeatLeft.add(1);
    return;
  }
  const [seatId, passIdx] = data.work[i];
  const pass = data.passes[passIdx];
  const res = mutate('reservation.hold', { seatId }, authHeaders(pass[0], pass[1]), {
    responseCallback: HOLD_EXPECTED,
  });
  const code = domainCodeOf(res);
  if (res.status === 200) held.add(1);
  else if (res.status === 409 && code === 'SEAT_UNAVAILABLE') seatUnavailable.add(1);
  else holdFailed.add(1, { status: String(res.status), code: String(code) });
  check(res, { 'hold: HELD or SEAT_UNAVAILABLE': (r) => r.status === 200 || code === 'SEAT_UNAVAILABLE' });
}
