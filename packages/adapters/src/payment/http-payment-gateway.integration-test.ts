import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPaymentGateway } from './http-payment-gateway';

/** A stand-in gateway on 127.0.0.1 whose answer depends on the amount, so one server covers every case. */
let server: Server;
let baseUrl = '';
const voided: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const voidMatch = /^\/charges\/([^/]+)\/void$/.exec(req.url ?? '');
      if (req.method === 'POST' && voidMatch?.[1]) {
        voided.push(decodeURIComponent(voidMatch[1]));
        res.writeHead(voidMatch[1].includes('unknown') ? 404 : 200).end('{}');
        return;
      }
      const { amount, idempotencyKey } = JSON.parse(body || '{}') as { amount: number; idempotencyKey: string };
      const json = (status: number, payload: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (amount === 1) json(200, { status: 'APPROVED', reference: `gw-${idempotencyKey}` });
      else if (amount === 2) json(200, { status: 'DECLINED', reason: 'card' });
      else if (amount === 3) json(402, { error: 'payment required' });
      else if (amount === 4) json(503, { error: 'down' });
      else if (amount === 5) setTimeout(() => json(200, { status: 'APPROVED', reference: 'late' }), 5_000);
      else json(200, { nonsense: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('HttpPaymentGateway', () => {
  // Generous: the machine is shared and slow; the slow answer (amount 5) comes well after it.
  const gateway = () => new HttpPaymentGateway({ baseUrl, timeoutMs: 1_500 });
  const charge = (amount: number) => gateway().charge({ key: 'payment-9', amount, userId: 1 });

  it('maps approvals, declines, 5xx, timeouts and unreadable answers', async () => {
    const first = await charge(1);
    expect(first, JSON.stringify(first)).toEqual({ outcome: 'APPROVED', reference: 'gw-payment-9' });
    expect(await charge(2)).toEqual({ outcome: 'DECLINED', reason: 'card' });
    expect(await charge(3)).toMatchObject({ outcome: 'DECLINED' });
    expect(await charge(4)).toMatchObject({ outcome: 'UNAVAILABLE' });
    expect(await charge(5)).toMatchObject({ outcome: 'UNAVAILABLE' });
    expect(await charge(6)).toMatchObject({ outcome: 'UNAVAILABLE' });
  });

  it('treats an unreachable gateway as UNAVAILABLE, never as an exception', async () => {
    const down = new HttpPaymentGateway({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 });
    expect(await down.charge({ key: 'payment-9', amount: 1, userId: 1 })).toMatchObject({ outcome: 'UNAVAILABLE' });
    expect(await down.void('payment-9')).toBe(false);
  });

  it('voids by key; nothing charged under the key also counts as done', async () => {
    expect(await gateway().void('payment-9')).toBe(true);
    expect(await gateway().void('unknown-key')).toBe(true);
    expect(voided).toEqual(['payment-9', 'unknown-key']);
  });
});
