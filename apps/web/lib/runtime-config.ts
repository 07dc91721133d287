/**
 * The API URL is read when a page is served, not when it is built, so one `next build` serves any API
 * (the e2e suite points the same build at its own API port). NEXT_PUBLIC_API_URL is looked up by a computed
 * key on purpose: `process.env.NEXT_PUBLIC_*` written literally is inlined at build time.
 */
export function apiUrlFromEnv(): string {
  const env = process.env;
  const key = ['NEXT_PUBLIC', 'API_URL'].join('_');
  return env[key] || env.API_URL || 'http://127.0.0.1:3001';
}
