import { createHmac } from 'node:crypto';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { SessionTokens } from './session-tokens';

const SECRET = 'test-secret-0123456789abcdef0123456789';
const key = new TextEncoder().encode(`session:${SECRET}`);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Signs any header and claims with the service's key: what a forger who knew the key format could try. */
const signRaw = (header: unknown, claims: unknown, secret = `session:${SECRET}`) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('SessionTokens', () => {
  const tokens = new SessionTokens(SECRET, 3600);

  it('verifies what it issues, and jose agrees the token is a valid HS256 JWT', async () => {
    const { token, expiresAt } = await tokens.issue(42);
    expect(tokens.verify(token)).toEqual({ userId: 42 });
    const { payload, protectedHeader } = await jwtVerify(token, key, { algorithms: ['HS256'], audience: 'session' });
    expect(protectedHeader).toEqual({ alg: 'HS256' });
    expect(payload.sub).toBe('42');
    expect(payload.exp).toBe(Math.floor(expiresAt.getTime() / 1000));
  });

  it('refuses an expired token', async () => {
    const { token, expiresAt } = await tokens.issue(7, new Date(Date.now() - 7200_000));
    expect(expiresAt.getTime()).toBeLessThan(Date.now());
    expect(tokens.verify(token)).toBeNull();
  });

  it('refuses a token signed with another secret, a tampered payload or a truncated signature', async () => {
    const other = new SessionTokens('another-secret-0123456789abcdef012345', 3600);
    const { token } = await other.issue(42);
    expect(tokens.verify(token)).toBeNull();
    const mine = (await tokens.issue(42)).token;
    const [h, , s] = mine.split('.');
    expect(tokens.verify(`${h}.${b64({ sub: '1', aud: 'session', exp: inAnHour() })}.${s}`)).toBeNull();
    expect(tokens.verify(mine.slice(0, -2))).toBeNull();
    expect(tokens.verify('')).toBeNull();
    expect(tokens.verify('not.a.jwt')).toBeNull();
  });

  it('accepts only the header it issues: no alg "none", no other algorithm, no extra header fields', async () => {
    const claims = { sub: '5', aud: 'session', exp: inAnHour() };
    expect(tokens.verify(signRaw({ alg: 'HS256' }, claims))).toEqual({ userId: 5 });
    expect(tokens.verify(`${b64({ alg: 'none' })}.${b64(claims)}.`)).toBeNull();
    expect(tokens.verify(signRaw({ alg: 'HS512' }, claims))).toBeNull();
    expect(tokens.verify(signRaw({ alg: 'HS256', crit: ['exp'] }, claims))).toBeNull();
  });

  it('requires audience "session", a numeric exp and a positive integer subject', () => {
    const exp = inAnHour();
    expect(tokens.verify(signRaw({ alg: 'HS256' }, { sub: '5', aud: 'queue', exp }))).toBeNull();
    expect(tokens.verify(signRaw({ alg: 'HS256' }, { sub: '5', aud: 'session' }))).toBeNull();
    expect(tokens.verify(signRaw({ alg: 'HS256' }, { sub: '5', aud: 'session', exp: String(exp) }))).toBeNull();
    for (const sub of ['0', '-1', '1.5', 'abc', '007', '99999999999999999999']) {
      expect(tokens.verify(signRaw({ alg: 'HS256' }, { sub, aud: 'session', exp }))).toBeNull();
    }
    expect(tokens.verify(signRaw({ alg: 'HS256' }, { sub: 5, aud: 'session', exp }))).toBeNull();
  });

  it('jose, given the same key, refuses the tokens this refuses (tampered, expired)', async () => {
    const expired = (await tokens.issue(7, new Date(Date.now() - 7200_000))).token;
    await expect(jwtVerify(expired, key, { algorithms: ['HS256'], audience: 'session' })).rejects.toThrow();
    const forged = signRaw({ alg: 'HS256' }, { sub: '5', aud: 'session', exp: inAnHour() }, 'wrong');
    await expect(jwtVerify(forged, key, { algorithms: ['HS256'] })).rejects.toThrow();
    expect(tokens.verify(forged)).toBeNull();
  });
});
