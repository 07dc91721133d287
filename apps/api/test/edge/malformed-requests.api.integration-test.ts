import { connect } from 'node:net';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@concert/adapters/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../api-harness';
import { seedFixture } from '../reservation/fixture';
import { signInWithActivePass } from '../reservation/trpc-http';

/**
 * API.md: "A 500 is a bug: every expected failure has a 4xx code and a stable domainCode". Every procedure (and
 * one that does not exist), by GET and POST, with and without credentials, is sent inputs of every wrong kind,
 * bodies that are not JSON, batches of them; each answer must be a 2xx or a 4xx in tRPC's shape with a domainCode.
 */
const PROCEDURES = [
  'auth.devSignIn',
  'queue.enter',
  'queue.status',
  'queue.leave',
  'catalog.concerts',
  'catalog.availableDates',
  'catalog.sections',
  'catalog.availableSeats',
  'reservation.hold',
  'reservation.release',
  'reservation.mine',
  'wallet.balance',
  'wallet.charge',
  'payment.pay',
  'payment.status',
  'admin.overview',
  'no.such',
];
const WRONG_VALUES: unknown[] = [null, true, -1, 1.5, 2 ** 53, '1', '', 'x'.repeat(5_000), [], {}];
const FIELDS = ['userId', 'concertId', 'scheduleId', 'sectionId', 'seatId', 'reservationId', 'paymentId', 'amount'];
const INPUTS: unknown[] = [
  undefined,
  ...WRONG_VALUES,
  ...FIELDS.flatMap((field) => WRONG_VALUES.map((value) => ({ [field]: value }))),
  { idempotencyKey: 'short', amount: 1 },
  { cursor: 'not-a-cursor', limit: 1_000, q: '%_\\' },
];
const NOT_JSON = ['{', '"', '{"seatId": 1', '\u0000', 'undefined'];
const ADMIN_TOKEN = 'malformed-requests-admin-token';

let tdb: TestDatabase;
let tredis: TestRedis;
let api: RunningApi;
let credentials: Record<string, string>;

beforeAll(async () => {
  [tdb, tredis] = await Promise.all([createTestDatabase('malformed_requests'), createTestRedis('malformed_requests')]);
  const fixture = await seedFixture(tdb.db, { users: 5, concerts: 1, seatsPerSection: 5 });
  api = await startApi({
    DATABASE_URL: tdb.url,
    REDIS_URL: tredis.url,
    REDIS_PREFIX: tredis.prefix,
    AUTH_SECRET: 'malformed-requests-secret-0123456789abcdef',
    ADMIN_TOKEN,
    QUEUE_TICK_MS: '100',
  });
  const pass = await signInWithActivePass(api.url, 1, fixture.concertIds[0]!);
  credentials = { authorization: `Bearer ${pass.session}`, 'x-queue-token': pass.queueToken };
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await Promise.all([tdb?.destroy(), tredis?.destroy()]);
});

interface Failure {
  error?: { message: string; data?: { code: string; httpStatus: number; domainCode: string | null } };
}

/** What is wrong with an answer, or null: a 5xx, a 4xx not in tRPC's shape, or one without a domainCode. */
async function fault(what: string, res: Response): Promise<string | null> {
  const text = await res.text();
  if (res.status < 400) return null;
  if (res.status >= 500) return `${what}: ${res.status} ${text.slice(0, 200)}`;
  let items: Failure[];
  try {
    const body = JSON.parse(text) as Failure | Failure[];
    items = Array.isArray(body) ? body : [body];
  } catch {
    return `${what}: ${res.status}, not JSON: ${text.slice(0, 100)}`;
  }
  const missing = items.filter((item) => item.error && !item.error.data?.domainCode);
  return missing.length > 0 ? `${what}: ${res.status} without a domainCode: ${text.slice(0, 200)}` : null;
}

describe('malformed requests', { timeout: 120_000 }, () => {
  it('never answer 5xx, and every 4xx carries a domainCode', async () => {
    const faults: string[] = [];
    let sent = 0;
    for (const procedure of PROCEDURES) {
      for (const headers of [{}, credentials, { authorization: `Bearer ${ADMIN_TOKEN}` }]) {
        const who = Object.keys(headers).length === 0 ? 'anonymous' : 'signed in';
        const requests: Array<[string, Promise<Response>]> = [];
        for (const input of INPUTS) {
          const shown = `${procedure} ${JSON.stringify(input)?.slice(0, 40)} (${who})`;
          const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
          requests.push([`GET ${shown}`, fetch(`${api.url}/trpc/${procedure}${query}`, { headers })]);
          requests.push([
            `POST ${shown}`,
            fetch(`${api.url}/trpc/${procedure}`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: input === undefined ? '' : JSON.stringify(input),
            }),
          ]);
        }
        for (const body of NOT_JSON) {
          requests.push([
            `POST ${procedure} body ${JSON.stringify(body)} (${who})`,
            fetch(`${api.url}/trpc/${procedure}`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body,
            }),
          ]);
        }
        requests.push([
          `GET ${procedure} ?input={ (${who})`,
          fetch(`${api.url}/trpc/${procedure}?input=%7B`, { headers }),
        ]);
        requests.push([
          `GET batch of ${procedure} (${who})`,
          fetch(`${api.url}/trpc/${procedure},${procedure}?batch=1&input=${encodeURIComponent('{"0":{},"1":7}')}`, {
            headers,
          }),
        ]);
        for (const [what, pending] of requests) {
          sent++;
          const problem = await fault(what, await pending);
          if (problem) faults.push(problem);
        }
      }
    }
    expect(sent).toBe(PROCEDURES.length * 3 * (INPUTS.length * 2 + NOT_JSON.length + 2));
    expect(faults).toEqual([]);
  });

  it('name what is wrong with the request itself', async () => {
    const failure = async (res: Response) => ({ status: res.status, ...((await res.json()) as Failure).error });
    const post = (procedure: string, body: string, contentType = 'application/json') =>
      fetch(`${api.url}/trpc/${procedure}`, {
        method: 'POST',
        headers: { ...credentials, 'content-type': contentType },
        body,
      });
    // A body that is not JSON is bad input, on a lean route (the hold) as on any other.
    for (const procedure of ['reservation.hold', 'wallet.charge']) {
      const notJson = await failure(await post(procedure, '{"seatId":'));
      expect(notJson).toMatchObject({ status: 400, data: { code: 'BAD_REQUEST', domainCode: 'INVALID_INPUT' } });
      expect(notJson.message).toMatch(/^Invalid input: /);
    }
    expect(await failure(await fetch(`${api.url}/trpc/catalog.sections?input=%7B`))).toMatchObject({
      status: 400,
      data: { domainCode: 'INVALID_INPUT' },
    });
    expect(await failure(await fetch(`${api.url}/trpc/wallet.charge`, { headers: credentials }))).toMatchObject({
      status: 405,
      data: { code: 'METHOD_NOT_SUPPORTED', domainCode: 'METHOD_NOT_SUPPORTED' },
    });
    expect(await failure(await fetch(`${api.url}/trpc/no.such`))).toMatchObject({
      status: 404,
      data: { code: 'NOT_FOUND', domainCode: 'PROCEDURE_NOT_FOUND' },
    });
    expect(await failure(await post('wallet.charge', '{}', 'text/plain'))).toMatchObject({
      status: 415,
      data: { code: 'UNSUPPORTED_MEDIA_TYPE', domainCode: 'UNSUPPORTED_MEDIA_TYPE' },
    });
    // Over the 1 MiB body limit: Fastify refuses it before tRPC sees it (on its Content-Length, before reading the
    // body, which is therefore not sent: a client still writing when the server closes would see a reset instead).
    const tooLarge = await rawRequest(
      `POST /trpc/wallet.charge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n` +
        'Connection: close\r\n\r\n',
    );
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({
      error: { data: { code: 'PAYLOAD_TOO_LARGE', domainCode: 'PAYLOAD_TOO_LARGE', path: 'wallet.charge' } },
    });
  });
});

/** One HTTP/1.1 exchange over a plain socket: the status and the body of the answer. */
function rawRequest(head: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [statusLine = '', ...rest] = answer.split('\r\n');
      const body = rest.join('\r\n').split('\r\n\r\n').slice(1).join('\r\n\r\n');
      resolve({ status: Number(statusLine.split(' ')[1]), body });
    });
  });
}
