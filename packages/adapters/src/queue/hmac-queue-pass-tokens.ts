import { createHmac, timingSafeEqual } from 'node:crypto';
import type { QueuePass, QueuePassTokens } from '@concert/domain';

const VERSION = 'qp1';
const MAC_BYTES = 18;
/** Verified tokens kept in memory; beyond this the cache starts over (a miss costs one HMAC, a few µs). */
const CACHE_LIMIT = 200_000;

/**
 * Queue passes as `qp1.<concertId>.<userId>.<seq>.<mac>`, mac = truncated HMAC-SHA256 under a key derived
 * from AUTH_SECRET (separate from the session key). Verifying is one HMAC in memory, and a hit in the cache of
 * verified tokens costs a Map lookup. The token carries no expiry: whether the pass is still good is Redis
 * state (the user's current seq), so a superseded token simply reads EXPIRED.
 */
export class HmacQueuePassTokens implements QueuePassTokens {
  private readonly key: Buffer;
  private readonly verified = new Map<string, QueuePass>();

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('queue-pass').digest();
  }

  sign(pass: QueuePass): string {
    const body = `${VERSION}.${pass.concertId}.${pass.userId}.${pass.seq}`;
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  verify(token: string): QueuePass | null {
    const cached = this.verified.get(token);
    if (cached) return cached;
    if (token.length > 128) return null;
    const cut = token.lastIndexOf('.');
    if (cut < 0) return null;
    const body = token.slice(0, cut);
    const [version, concert, user, seq, extra] = body.split('.');
    if (version !== VERSION || extra !== undefined) return null;
    const pass = { concertId: id(concert), userId: id(user), seq: id(seq, true) };
    if (pass.concertId < 1 || pass.userId < 1 || pass.seq < 0) return null;
    const given = Buffer.from(token.slice(cut + 1), 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    // The canonical form must match too, so one pass has exactly one token ("01" is not "1").
    if (this.sign(pass) !== token) return null;
    if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
    this.verified.set(token, pass);
    return pass;
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, MAC_BYTES);
  }
}

function id(text: string | undefined, allowZero = false): number {
  if (!text || !/^\d{1,15}$/.test(text)) return -1;
  const n = Number(text);
  return n === 0 && !allowZero ? -1 : n;
}
