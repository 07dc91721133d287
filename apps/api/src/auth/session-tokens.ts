import { jwtVerify, SignJWT } from 'jose';
export interface Session {
  readonly userId: number;
}

/**
 * Signed session tokens (HS256 JWT). Verifying is a signature check in memory: no database or Redis hit per
 * request. Verified tokens are remembered briefly so hot polling does not repeat the HMAC.
 */
/** Enough for the waiting population the product is sized for (100,000 pollers) with room to spare. */
const MAX_CACHED_SESSIONS = 250_000;

export class SessionTokens {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { session: Session; expiresAtMs: number }>();

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(`session:${secret}`);
  }

  async issue(userId: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(now.getTime() + this.ttlSeconds * 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(userId))
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .setAudience('session')
      .sign(this.key);
    return { token, expiresAt };
  }

  async verify(token: string): Promise<Session | null> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAtMs > Date.now()) return cached.session;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], audience: 'session' });
      const userId = Number(payload.sub);
      if (!Number.isSafeInteger(userId) || userId < 1 || !payload.exp) return null;
      const session = { userId };
      // Bounded memory: drop the oldest entry (Map keeps insertion order) rather than the whole cache, so a
      // crowd larger than the bound still mostly hits.
      if (this.verified.size >= MAX_CACHED_SESSIONS) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { session, expiresAtMs: payload.exp * 1000 });
      return session;
    } catch {
      return null;
    }
  }
}
