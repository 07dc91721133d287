import {
  ABANDON_GRACE_MS,
  ABANDON_MISSED_POLLS,
  ACTIVE_POLL_MS,
  type ActiveCheck,
  type EnterOutcome,
  POLL_JITTER,
  pollBandsArg,
  type QueuePass,
  type QueueSnapshot,
  type QueueStore,
  RATE_BURST,
  RATE_REFILL_FACTOR,
  type StatusOutcome,
  type TickLimits,
  type TickOutcome,
} from '@concert/domain';
import type { Redis } from 'ioredis';
import { CHECK_ACTIVE_LUA, ENTER_LUA, LEAVE_LUA, RETIRE_LUA, SPEND_LUA, STATUS_LUA, TICK_LUA } from './queue.lua';

type Reply = Array<string | number>;
type Script = (...keysAndArgs: Array<string | number>) => Promise<Reply | number>;
interface ScriptedRedis {
  queueEnterV1: Script;
  queueStatusV1: Script;
  queueCheckActiveV1: Script;
  queueLeaveV1: Script;
  queueSpendV1: Script;
  queueTickV1: Script;
  queueRetireV1: Script;
}

const SCRIPTS: Record<keyof ScriptedRedis, string> = {
  queueEnterV1: ENTER_LUA,
  queueStatusV1: STATUS_LUA,
  queueCheckActiveV1: CHECK_ACTIVE_LUA,
  queueLeaveV1: LEAVE_LUA,
  queueSpendV1: SPEND_LUA,
  queueTickV1: TICK_LUA,
  queueRetireV1: RETIRE_LUA,
};

/** Concerts that ever had a queue. Global keys (no hash tag): only the ticker and the dashboard read them. */
const REGISTRY_KEY = 'q:concerts';
/** The ticker's list: concerts someone entered since they were last found idle. */
const LIVE_KEY = 'q:live';
/** Most passes one tick expires or drops per concert: bounds the script's run time; the rest go next tick. */
const SWEEP_LIMIT = 2_000;

/**
 * Keys of one concert. The hash tag `{q:<id>}` puts them in one Cluster slot (scripts may only touch keys of
 * one slot) while different concerts spread over shards. ioredis prepends its keyPrefix to script KEYS too;
 * a prefix without braces leaves the tag intact.
 */
export function queueKeys(concertId: number): string[] {
  const tag = `{q:${concertId}}`;
  return [`${tag}:w`, `${tag}:a`, `${tag}:u`, `${tag}:p`, `${tag}:b`, `${tag}:m`, `${tag}:seq`];
}

const KEY_COUNT = 7;

/** Arguments every script that does poll bookkeeping needs, all from the domain policy. */
const POLICY_ARGS = [
  pollBandsArg(),
  String(POLL_JITTER),
  String(ABANDON_MISSED_POLLS),
  String(ABANDON_GRACE_MS),
  String(RATE_BURST),
  String(RATE_REFILL_FACTOR),
];

export class RedisQueueStore implements QueueStore {
  private readonly scripts: ScriptedRedis;
  /** Concerts this process already put in the registry: the SADD happens once per concert per process. */
  private readonly registered = new Set<number>();

  constructor(private readonly redis: Redis) {
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      // defineCommand runs EVALSHA and falls back to EVAL once after a script flush or restart.
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: KEY_COUNT, lua });
    }
    this.scripts = redis as unknown as ScriptedRedis;
  }

  async enter(concertId: number, userId: number, nowMs: number): Promise<EnterOutcome> {
    const register = this.registered.has(concertId) ? null : this.redis.sadd(REGISTRY_KEY, String(concertId));
    const [reply] = await Promise.all([
      this.scripts.queueEnterV1(...queueKeys(concertId), userId, nowMs, ...POLICY_ARGS) as Promise<Reply>,
      register,
    ]);
    if (register) this.registered.add(concertId);
    // Only the first one in (nobody waiting or ACTIVE before): while anyone is there the concert stays on the live
    // list, since retireIfIdle puts back what it finds busy. And after the script, never with it: retireIfIdle
    // checks for people after its SREM, so an enter whose script ran before that check is seen there, and one whose
    // script ran after it adds the concert back here.
    if (reply[0] === 'WAITING' && Number(reply[4]) === 1) await this.redis.sadd(LIVE_KEY, String(concertId));
    switch (reply[0]) {
      case 'WAITING':
        return { kind: 'WAITING', seq: Number(reply[1]), position: Number(reply[2]), ratePerSec: rate(reply[3]) };
      case 'ACTIVE':
        return { kind: 'ACTIVE', seq: Number(reply[1]), activeUntilMs: Number(reply[2]) };
      case 'SOLD_OUT':
        return { kind: 'SOLD_OUT' };
      default:
        throw new Error(`queue enter: unexpected reply ${JSON.stringify(reply)}`);
    }
  }

  async status(pass: QueuePass, nowMs: number): Promise<StatusOutcome> {
    const reply = (await this.scripts.queueStatusV1(
      ...queueKeys(pass.concertId),
      pass.userId,
      pass.seq,
      nowMs,
      ...POLICY_ARGS.slice(0, 4),
      RATE_BURST,
      RATE_REFILL_FACTOR,
      ACTIVE_POLL_MS,
    )) as Reply;
    switch (reply[0]) {
      case 'WAITING':
        return { kind: 'WAITING', position: Number(reply[1]), ratePerSec: rate(reply[2]) };
      case 'ACTIVE':
        return { kind: 'ACTIVE', activeUntilMs: Number(reply[1]) };
      case 'EXPIRED':
      case 'SOLD_OUT':
        return { kind: reply[0] };
      case 'RATE_LIMITED':
        return { kind: 'RATE_LIMITED', retryAfterMs: Number(reply[1]) };
      default:
        throw new Error(`queue status: unexpected reply ${JSON.stringify(reply)}`);
    }
  }

  async checkActive(pass: QueuePass, nowMs: number): Promise<ActiveCheck> {
    const reply = (await this.scripts.queueCheckActiveV1(
      ...queueKeys(pass.concertId),
      pass.userId,
      pass.seq,
      nowMs,
    )) as Reply;
    if (reply[0] === 'ACTIVE') return { kind: 'ACTIVE', activeUntilMs: Number(reply[1]) };
    return { kind: reply[0] === 'WAITING' ? 'WAITING' : 'EXPIRED' };
  }

  async leave(pass: QueuePass): Promise<boolean> {
    return (await this.scripts.queueLeaveV1(...queueKeys(pass.concertId), pass.userId, pass.seq)) === 1;
  }

  async spend(concertId: number, userId: number): Promise<boolean> {
    return (await this.scripts.queueSpendV1(...queueKeys(concertId), userId)) === 1;
  }

  async tick(concertId: number, nowMs: number, limits: TickLimits): Promise<TickOutcome> {
    const r = (await this.scripts.queueTickV1(
      ...queueKeys(concertId),
      nowMs,
      limits.admitPerTick,
      limits.maxActive,
      limits.activeTtlMs,
      SWEEP_LIMIT,
    )) as Reply;
    return {
      admitted: Number(r[0]),
      expired: Number(r[1]),
      abandoned: Number(r[2]),
      waiting: Number(r[3]),
      active: Number(r[4]),
      hadWaiters: Number(r[5]) === 1,
      previousRatePerSec: rate(r[6]),
      previousSampleAtMs: r[7] === '' || r[7] === undefined ? null : Number(r[7]),
      soldOut: Number(r[8]) === 1,
    };
  }

  async saveAdmissionRate(concertId: number, ratePerSec: number): Promise<void> {
    await this.redis.hset(queueKeys(concertId)[5]!, 'rate', ratePerSec.toFixed(4));
  }

  async setSoldOut(concertId: number, soldOut: boolean): Promise<void> {
    const meta = queueKeys(concertId)[5]!;
    if (soldOut) await this.redis.hset(meta, 'soldOut', '1');
    else await this.redis.hdel(meta, 'soldOut');
  }

  async concerts(): Promise<number[]> {
    return this.concertIdsIn(REGISTRY_KEY);
  }

  async liveConcerts(): Promise<number[]> {
    return this.concertIdsIn(LIVE_KEY);
  }

  /** The concert ids a set holds, anything that is not one left out. */
  private async concertIdsIn(key: string): Promise<number[]> {
    const ids = await this.redis.smembers(key);
    return ids.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
  }

  async markLive(concertIds: readonly number[]): Promise<void> {
    if (concertIds.length > 0) await this.redis.sadd(LIVE_KEY, ...concertIds.map(String));
  }

  async retireIfIdle(concertId: number): Promise<boolean> {
    // Off the list first, then look: the order enter's comment relies on.
    await this.redis.srem(LIVE_KEY, String(concertId));
    if ((await this.scripts.queueRetireV1(...queueKeys(concertId))) === 1) return true;
    await this.redis.sadd(LIVE_KEY, String(concertId));
    return false;
  }

  async snapshot(concertId: number): Promise<QueueSnapshot> {
    const [w, a, , , , m] = queueKeys(concertId);
    // MULTI over keys of one slot: one round trip, one consistent view.
    const results = await this.redis.multi().zcard(w!).zcard(a!).hgetall(m!).exec();
    if (!results) throw new Error('queue snapshot: transaction aborted');
    for (const [error] of results) if (error) throw error;
    const meta = (results[2]?.[1] ?? {}) as Record<string, string>;
    const n = (field: string) => Number(meta[field] ?? 0);
    return {
      waiting: Number(results[0]?.[1] ?? 0),
      active: Number(results[1]?.[1] ?? 0),
      ratePerSec: rate(meta.rate),
      admittedTotal: n('admitted'),
      abandonedTotal: n('abandoned'),
      expiredTotal: n('expired'),
      spentTotal: n('spent'),
      soldOut: meta.soldOut === '1',
    };
  }
}

function rate(value: unknown): number | null {
  if (value === '' || value === undefined || value === null) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
