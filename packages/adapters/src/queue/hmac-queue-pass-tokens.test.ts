import { describe, expect, it } from 'vitest';
import { HmacQueuePassTokens } from './hmac-queue-pass-tokens';

const tokens = new HmacQueuePassTokens('a'.repeat(32));
const pass = { concertId: 3, userId: 42, seq: 1001 };

describe('HmacQueuePassTokens', () => {
  it('round-trips a pass, also from the cache', () => {
    const token = tokens.sign(pass);
    expect(tokens.verify(token)).toEqual(pass);
    expect(tokens.verify(token)).toEqual(pass);
    expect(tokens.sign(pass)).toBe(token);
  });

  it('rejects tampered fields, a foreign key and garbage', () => {
    const token = tokens.sign(pass);
    const mac = token.split('.').at(-1)!;
    expect(tokens.verify(`qp1.3.43.1001.${mac}`)).toBeNull();
    expect(tokens.verify(`qp1.4.42.1001.${mac}`)).toBeNull();
    expect(tokens.verify(`qp1.3.42.1002.${mac}`)).toBeNull();
    expect(tokens.verify(`qp1.3.042.1001.${mac}`)).toBeNull();
    expect(tokens.verify(`${token.slice(0, -2)}AA`)).toBeNull();
    expect(new HmacQueuePassTokens('b'.repeat(32)).verify(token)).toBeNull();
    for (const junk of ['', 'x', 'qp1....', 'qp1.1.1.1', `${token}.x`, 'a'.repeat(500)])
      expect(tokens.verify(junk)).toBeNull();
  });

  it('accepts the never-enqueued sold-out pass (seq 0) but no zero ids', () => {
    expect(tokens.verify(tokens.sign({ concertId: 1, userId: 1, seq: 0 }))).toEqual({
      concertId: 1,
      userId: 1,
      seq: 0,
    });
    expect(tokens.verify(tokens.sign({ concertId: 0, userId: 1, seq: 1 }))).toBeNull();
  });
});
