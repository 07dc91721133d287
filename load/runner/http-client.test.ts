import { describe, expect, it } from 'vitest';
import { assertLoopbackUrl, isLoopbackHost, RefusedTargetError } from './http-client';

describe('loopback guard', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1']) expect(isLoopbackHost(h)).toBe(true);
  });

  it('refuses every other host, private or public', () => {
    for (const h of [
      '10.0.0.1',
      '192.168.1.1',
      '172.16.0.1',
      '8.8.8.8',
      'example.com',
      '127.0.0.1.nip.io',
      '0.0.0.0',
      '128.0.0.1',
      '127.0.0.256',
    ]) {
      expect(isLoopbackHost(h)).toBe(false);
    }
  });

  it('refuses non-http schemes and non-loopback URLs', () => {
    expect(assertLoopbackUrl('http://127.0.0.1:3001/trpc/x').port).toBe('3001');
    expect(() => assertLoopbackUrl('https://127.0.0.1/')).toThrow(RefusedTargetError);
    expect(() => assertLoopbackUrl('http://10.0.0.5:3001/')).toThrow(/only to 127.0.0.0\/8/);
    expect(() => assertLoopbackUrl('not a url')).toThrow(/invalid URL/);
  });
});
