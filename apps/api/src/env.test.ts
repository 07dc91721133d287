import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

function errorOf(source: Record<string, string>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return error as EnvError;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

describe('parseEnv', () => {
  it('gives the defaults of API.md for an empty environment', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      API_PORT: 3001,
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/concert',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      AUTH_DEV_SIGNIN: true,
      QUEUE_TICK_MS: 1000,
      QUEUE_ADMIT_PER_TICK: 50,
      QUEUE_MAX_ACTIVE: 500,
      QUEUE_ACTIVE_TTL_SECONDS: 600,
      HOLD_TTL_SECONDS: 300,
      HOLD_LIMIT_PER_DATE: 4,
      PAYMENT_GATEWAY_LATENCY_MS: 50,
      PAYMENT_GATEWAY_FAILURE_RATE: 0,
      NOTIFY_MODE: 'async',
      NOTIFY_LATENCY_MS: 200,
      CATALOG_CACHE: 'on',
      CATALOG_LOCAL_TTL_MS: 30_000,
      INNGEST_MODE: 'local',
      WORKFLOW_RUNNER: 'on',
      WORKER_PORT: 3002,
      WORKER_NICE: 10,
    });
    expect(env.ADMIN_TOKEN).toBeUndefined();
    expect(env.PAYMENT_GATEWAY_URL).toBeUndefined();
    expect(env.NOTIFY_WEBHOOK_URL).toBeUndefined();
  });

  it('generates a fresh AUTH_SECRET per start when none is given, and keeps a given one', () => {
    const a = parseEnv({}).AUTH_SECRET;
    const b = parseEnv({}).AUTH_SECRET;
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(a).not.toBe(b);
    const secret = 'x'.repeat(40);
    expect(parseEnv({ AUTH_SECRET: secret }).AUTH_SECRET).toBe(secret);
  });

  it('reads numbers, switches and enums from strings', () => {
    const env = parseEnv({
      API_PORT: '8080',
      AUTH_DEV_SIGNIN: 'off',
      PAYMENT_GATEWAY_FAILURE_RATE: '0.25',
      CATALOG_CACHE: 'off',
      INNGEST_MODE: 'server',
      WORKFLOW_RUNNER: 'off',
      WORKER_NICE: '0',
    });
    expect(env).toMatchObject({
      API_PORT: 8080,
      AUTH_DEV_SIGNIN: false,
      PAYMENT_GATEWAY_FAILURE_RATE: 0.25,
      CATALOG_CACHE: 'off',
      INNGEST_MODE: 'server',
      WORKFLOW_RUNNER: 'off',
      WORKER_NICE: 0,
    });
  });

  it('treats an empty value as unset', () => {
    expect(parseEnv({ API_PORT: '', DATABASE_URL: '' })).toMatchObject({
      API_PORT: 3001,
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/concert',
    });
  });

  it('turns dev sign-in off and requires AUTH_SECRET in production', () => {
    expect(errorOf({ NODE_ENV: 'production' }).message).toMatch(/^Invalid AUTH_SECRET/);
    expect(parseEnv({ NODE_ENV: 'production', AUTH_SECRET: 's'.repeat(32) }).AUTH_DEV_SIGNIN).toBe(false);
  });

  it.each([
    ['API_PORT', 'abc'],
    ['API_PORT', '70000'],
    ['API_PORT', '-1'],
    ['DATABASE_URL', 'postgres://localhost/concert'],
    ['DATABASE_URL', 'mysql://root@127.0.0.1:3306'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['AUTH_SECRET', 'too-short'],
    ['AUTH_DEV_SIGNIN', 'maybe'],
    ['QUEUE_TICK_MS', '1.5'],
    ['QUEUE_ADMIT_PER_TICK', '0'],
    ['HOLD_TTL_SECONDS', 'five minutes'],
    ['HOLD_LIMIT_PER_DATE', '1000'],
    ['PAYMENT_GATEWAY_URL', 'not a url'],
    ['PAYMENT_GATEWAY_FAILURE_RATE', '1.5'],
    ['NOTIFY_MODE', 'blocking'],
    ['CATALOG_CACHE', 'yes'],
    ['CATALOG_LOCAL_TTL_MS', '-1'],
    ['INNGEST_MODE', 'cloud'],
    ['WORKFLOW_RUNNER', 'worker'],
    ['WORKER_NICE', '20'],
    ['NODE_ENV', 'staging'],
  ])('names %s in one line when it is %j', (name, value) => {
    const { message } = errorOf({ [name]: value });
    expect(message).not.toContain('\n');
    expect(message.startsWith(`Invalid ${name}=`)).toBe(true);
    expect(message).toContain(JSON.stringify(value));
  });
});
