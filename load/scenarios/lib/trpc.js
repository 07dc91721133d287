// Helpers for calling the tRPC API over plain JSON (docs/API.md), shared by the scenarios.
// Valid k6 (k6 run) and valid for our runner: helpers that make requests are only ever called directly.

import { sleep } from 'k6';
import http from 'k6/http';

export const API = (__ENV.API_URL || 'http://127.0.0.1:3001').replace(/\/$/, '');

/** Integer in [min, max]. */
export function randInt(min, max) {
  return min + Math.floor(Math.random() * (max - min + 1));
}

export function envInt(name, fallback) {
  const v = __ENV[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got '${v}'`);
  return n;
}

export function authHeaders(sessionToken, queueToken) {
  const headers = { 'content-type': 'application/json' };
  if (sessionToken) headers.authorization = `Bearer ${sessionToken}`;
  if (queueToken) headers['x-queue-token'] = queueToken;
  return headers;
}

/** GET /trpc/<path>?input=<json>; tagged with the procedure path so reports break latency down per endpoint. */
export function query(path, input, headers, extraParams) {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const params = Object.assign({ headers: headers || {}, tags: { name: path } }, extraParams || {});
  return http.get(`${API}/trpc/${path}${qs}`, params);
}

/** POST /trpc/<path> with the JSON input as body. */
export function mutate(path, input, headers, extraParams) {
  const params = Object.assign(
    { headers: Object.assign({ 'content-type': 'application/json' }, headers || {}), tags: { name: path } },
    extraParams || {},
  );
  return http.post(`${API}/trpc/${path}`, JSON.stringify(input === undefined ? {} : input), params);
}

/** `result.data` of a success, or null. */
export function dataOf(res) {
  if (res.status !== 200 || !res.body) return null;
  try {
    const body = res.json();
    return body?.result ? body.result.data : null;
  } catch (_e) {
    return null;
  }
}

/** `error.data.domainCode` of a failure, or null. */
export function domainCodeOf(res) {
  if (res.status === 200 || !res.body) return null;
  try {
    const body = res.json();
    return body?.error?.data ? body.error.data.domainCode : null;
  } catch (_e) {
    return null;
  }
}

/** auth.devSignIn -> sessionToken (null on failure). */
export function signIn(userId) {
  const data = dataOf(mutate('auth.devSignIn', { userId }));
  return data ? data.sessionToken : null;
}

/**
 * queue.enter, then poll queue.status honoring pollAfterMs until ACTIVE.
 * Returns { queueToken, waitedMs, status } where status is ACTIVE, SOLD_OUT, TIMEOUT or ERROR.
 */
export function enterAndWaitActive(sessionToken, concertId, maxWaitMs) {
  const started = Date.now();
  const entered = dataOf(mutate('queue.enter', { concertId }, authHeaders(sessionToken)));
  if (!entered) return { queueToken: null, waitedMs: 0, status: 'ERROR' };
  const queueToken = entered.queueToken;
  let state = entered;
  while (state.status !== 'ACTIVE') {
    if (state.status === 'SOLD_OUT') return { queueToken, waitedMs: Date.now() - started, status: 'SOLD_OUT' };
    if (state.status === 'EXPIRED') return { queueToken, waitedMs: Date.now() - started, status: 'ERROR' };
    const waitMs = Math.max(50, Number(state.pollAfterMs) || 1000);
    if (Date.now() - started + waitMs > maxWaitMs)
      return { queueToken, waitedMs: Date.now() - started, status: 'TIMEOUT' };
    sleep(waitMs / 1000);
    const next = dataOf(query('queue.status', {}, authHeaders(sessionToken, queueToken)));
    if (!next) return { queueToken, waitedMs: Date.now() - started, status: 'ERROR' };
    state = next;
  }
  return { queueToken, waitedMs: Date.now() - started, status: 'ACTIVE' };
}

/**
 * The seed's load profile: 100/200/300/200/100/0 VUs, 20 s per stage. STAGE sets the stage length, or DURATION
 * the whole profile's length (each stage a sixth of it).
 */
export function seedStages() {
  return [100, 200, 300, 200, 100, 0].map((target) => ({ duration: stageLength(6, '20s'), target }));
}

/** Length of one of `count` stages: STAGE, else DURATION / count, else the default. */
export function stageLength(count, fallback) {
  if (__ENV.STAGE) return __ENV.STAGE;
  if (__ENV.DURATION) return `${Math.max(1, Math.round((durationSeconds(__ENV.DURATION) * 1000) / count))}ms`;
  return fallback;
}

/**
 * Sign in users `firstUser .. firstUser+count-1` in batches (http.batch: parallel requests from one VU), for
 * setup(). Returns [{ userId, sessionToken }] for those that succeeded.
 */
export function signInMany(firstUser, count, batchSize) {
  const out = [];
  for (let start = 0; start < count; start += batchSize) {
    const requests = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      requests.push([
        'POST',
        `${API}/trpc/auth.devSignIn`,
        JSON.stringify({ userId: firstUser + i }),
        { headers: { 'content-type': 'application/json' }, tags: { name: 'auth.devSignIn' } },
      ]);
    }
    const responses = http.batch(requests);
    for (let i = 0; i < responses.length; i++) {
      const data = dataOf(responses[i]);
      if (data) out.push({ userId: firstUser + start + i, sessionToken: data.sessionToken });
    }
  }
  return out;
}

/** queue.enter for each { sessionToken, concertId } in batches; returns the same objects with queueToken/status. */
export function enterMany(entries, batchSize) {
  const out = [];
  for (let start = 0; start < entries.length; start += batchSize) {
    const chunk = entries.slice(start, start + batchSize);
    const requests = [];
    for (const e of chunk) {
      requests.push([
        'POST',
        `${API}/trpc/queue.enter`,
        JSON.stringify({ concertId: e.concertId }),
        { headers: authHeaders(e.sessionToken), tags: { name: 'queue.enter' } },
      ]);
    }
    const responses = http.batch(requests);
    for (let i = 0; i < responses.length; i++) {
      const data = dataOf(responses[i]);
      if (data) out.push(Object.assign({}, chunk[i], { queueToken: data.queueToken, status: data.status }));
    }
  }
  return out;
}

/** An open-model scenario at RATE iterations/s for DURATION (k6's constant-arrival-rate). */
export function arrivalRateScenario(defaultRate) {
  const rate = envInt('RATE', defaultRate);
  return {
    executor: 'constant-arrival-rate',
    rate,
    timeUnit: '1s',
    duration: __ENV.DURATION || '30s',
    // Enough VUs for the full rate at up to ~100 ms latency (concurrency = rate x latency); past that the
    // target is missed anyway, and dropped_iterations says so instead of piling up connections.
    preAllocatedVUs: envInt('PRE_VUS', Math.max(10, Math.ceil(rate / 50))),
    maxVUs: envInt('MAX_VUS', Math.max(50, Math.ceil(rate / 10))),
    gracefulStop: '10s',
  };
}

/** Seconds in a k6 duration string ('30s', '1m30s', '500ms'). */
export function durationSeconds(text) {
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m = re.exec(text);
  if (!m) throw new Error(`invalid duration '${text}'`);
  while (m) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
    m = re.exec(text);
  }
  return total;
}
