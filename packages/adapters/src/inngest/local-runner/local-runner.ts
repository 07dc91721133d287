import { createHash, randomBytes } from 'node:crypto';
import type { Inngest, InngestFunction } from 'inngest';
import type { Redis } from 'ioredis';
import { type CronSchedule, parseCron } from './cron';
import { evaluateExpression, evaluateValue } from './expression';
import type { IncomingEvent, LocalInngestApi, LocalInngestTransport } from './transport';

/**
 * The local workflow runner: a small Inngest executor inside the API process. It drives the app's real Inngest
 * functions through the SDK's serve logic (the same `InngestCommHandler` as `/api/inngest`, called in-process
 * with plain values: `createInProcessHandler`) using the SDK's HTTP execution protocol (SDK_SPEC: request body
 * {event, events, steps, ctx}, 206 + step opcodes, 200 = done, 4xx/`x-inngest-no-retry` = failed for good,
 * 5xx = retry).
 *
 * All state lives in Redis, so several API processes on one Redis share the work and a restart loses nothing:
 * - events: a stream consumed by one consumer group; an event is acked only after its runs exist, so it is
 *   handled once, and one sent while every runner was down is handled when one starts;
 * - runs: a hash per run (meta + memoized steps) and one "due" sorted set (score = when to drive it next):
 *   claiming a run moves its score forward by a lease, so one process drives it at a time and a crashed
 *   driver's runs come back after the lease; sleeps, retries with backoff and waitForEvent timeouts are
 *   just scores in that set;
 * - crons: each (function, minute) is claimed with SET NX, so one process starts it;
 * - singleton: a lock per function (and key) held for the run's life; concurrency: a semaphore per function
 *   (and key) held while a run's steps execute;
 * - batchEvents: a buffer per function (and key) and a due-set entry that flushes it into one run.
 */

export interface RunnerObserver {
  runStarted?(fn: string, lagMs: number): void;
  runFinished?(fn: string, status: 'completed' | 'failed' | 'cancelled', durationMs: number): void;
  stepRetried?(fn: string): void;
  stepsExecuted?(fn: string, count: number): void;
}

export type InngestFetchHandler = (request: Request) => Promise<Response>;

/** One execution request of the protocol, made in-process: the query string (fnId, stepId) and the JSON body. */
export interface InProcessCall {
  readonly query: string;
  readonly body: unknown;
}

export interface InProcessReply {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The app's serve handler as the runner calls it (`createInProcessHandler`: the SDK's, minus Request/Response). */
export type InProcessHandler = (call: InProcessCall) => Promise<InProcessReply>;

export interface LocalRunnerOptions {
  readonly inngest: Inngest.Any;
  /** Prefixed client of the product (its keyPrefix isolates deployments and tests). */
  readonly redis: Redis;
  readonly transport: LocalInngestTransport;
  /** Read at start(): contexts append their functions to the container's array before that. */
  readonly functions: () => readonly InngestFunction.Any[];
  /** The app's serve handler (the same functions and SDK logic as /api/inngest), called in-process. */
  readonly handler: () => InProcessHandler;
  readonly observer?: RunnerObserver;
  /** Key namespace under the client's prefix. */
  readonly namespace?: string;
  /** Runs driven at once by this process. Bounds the runner's share of the event loop. */
  readonly concurrency?: number;
  /**
   * When the event loop lags more than this (the process is busy, e.g. serving API requests), the runner takes
   * on at most a few runs at a time, so the API keeps priority. Work is delayed, never dropped.
   */
  readonly maxLagMs?: number;
  /** How often to look for due runs and new events when idle. */
  readonly pollMs?: number;
  /**
   * After a stream read that found events, wait this long before the next one, so that under load one read (and
   * its round of batch calls and its ack) carries the events of many requests instead of one. An idle runner
   * still blocks on the stream and reacts to the first event at once.
   */
  readonly readGapMs?: number;
  /** A driver owns a claimed run this long; a crashed driver's run is picked up after it. */
  readonly leaseMs?: number;
  /** First retry delay; doubles per attempt up to `retryMaxMs`. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Let the SDK run several steps per request and checkpoint them (the SDK default). */
  readonly checkpointing?: boolean;
  /** Events older than this that are still pending (their consumer died) are reclaimed. */
  readonly reclaimIdleMs?: number;
  readonly log?: (message: string, error?: unknown) => void;
}

export type RunStatus =
  | 'queued'
  | 'running'
  | 'sleeping'
  | 'waiting'
  | 'retrying'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'skipped';

export interface RunSummary {
  readonly runId: string;
  readonly functionId: string;
  readonly status: RunStatus;
  readonly eventName: string;
  readonly attempt: number;
  readonly steps: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly error: string | null;
}

interface StoredEvent {
  name: string;
  data: Record<string, unknown>;
  id: string;
  ts: number;
  user?: unknown;
}

interface RunMeta {
  id: string;
  fn: string;
  event: StoredEvent;
  /** A batched run's events (`batchEvents`), oldest first; `event` is the first of them. */
  events?: StoredEvent[];
  status: RunStatus;
  attempt: number;
  stack: string[];
  planned: string[];
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  wakeAt?: number;
  sleepStep?: string;
  wait?: { step: string; event: string; expiresAt: number; field: string };
  singletonKey?: string;
  output?: unknown;
  error?: string;
}

type StepState = { data: unknown } | { error: unknown };

interface FnConfig {
  id: string;
  triggers: Array<{ event?: string; expression?: string; cron?: string }>;
  maxAttempts: number;
  concurrency?: { limit: number; key?: string };
  singleton?: { mode: 'skip' | 'cancel'; key?: string };
  batch?: { maxSize: number; timeoutMs: number; key?: string };
  crons: CronSchedule[];
}

interface Op {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown>;
  data?: unknown;
  error?: unknown;
}

interface LiveRun {
  meta: RunMeta;
  steps: Record<string, StepState>;
  executed: number;
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled', 'skipped']);
const FINISHED_RUN_TTL_S = 24 * 3600;
const RECENT_RUNS_KEPT = 1_000;
/**
 * Events sent together share one stream entry (fields `e`, `e`, ...), up to this many. Redis serves a blocked
 * XREADGROUP as soon as one XADD lands, so an entry per event meant a read, an ack and a round of batch calls per
 * event even when a hold published its two events together. The cap bounds one read (READ_COUNT entries).
 */
const EVENTS_PER_ENTRY = 50;
/** Stream entries per read. */
const READ_COUNT = 200;

const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids`;

// KEYS: run, due, recent, singleton lock (or a dummy). ARGV: runId, queued meta, skipped meta, now, lock ttl ms, lock?
const CREATE = `
if redis.call('HSETNX', KEYS[1], 'meta', ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
local excess = redis.call('ZCARD', KEYS[3]) - ${RECENT_RUNS_KEPT}
if excess > 0 then
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, excess - 1)
end
if ARGV[6] == '1' then
  if not redis.call('SET', KEYS[4], ARGV[1], 'NX', 'PX', ARGV[5]) then
    redis.call('HSET', KEYS[1], 'meta', ARGV[3])
    redis.call('EXPIRE', KEYS[1], ${FINISHED_RUN_TTL_S})
    return 2
  end
end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1`;

const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

// KEYS: waits hash, run, due. ARGV: field, step field, step json, now, runId.
const RESOLVE_WAIT = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
return 1`;

/** Due-set entries that stand for a function's event batch rather than a run: `batch|<fn>|<key>`. */
const BATCH_ENTRY = 'batch|';

// KEYS: batch buffer (zset: event json by arrival), due. ARGV: now, entry id, timeout ms, max size, event json...
// The first events of a batch schedule its flush at now + timeout; the event that fills it makes it due now.
const BATCH_ADD = `
local now = tonumber(ARGV[1])
local added = 0
for i = 5, #ARGV do
  added = added + redis.call('ZADD', KEYS[1], 'NX', now + (i - 5) / 1000, ARGV[i])
end
if added == 0 then return 0 end
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[2], now, ARGV[2])
elseif n == added then
  redis.call('ZADD', KEYS[2], 'NX', now + tonumber(ARGV[3]), ARGV[2])
end
return n`;

// KEYS: batch buffer, due, new run, recent. ARGV: entry id, now, timeout ms, max size, run id, run meta without
// its events (a JSON object missing its closing brace). Atomic: a batch's events move into exactly one run, and
// the entry is rescheduled for what is left (or dropped), so any process may flush and none can flush twice.
const BATCH_FLUSH = `
local n = redis.call('ZCARD', KEYS[1])
if n == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) return 0 end
local now, timeout, max = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
if n < max and oldest + timeout > now then
  redis.call('ZADD', KEYS[2], oldest + timeout, ARGV[1])
  return 0
end
local items = redis.call('ZRANGE', KEYS[1], 0, max - 1)
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #items - 1)
redis.call('HSET', KEYS[3], 'meta', ARGV[6] .. ',"event":' .. items[1] .. ',"events":[' .. table.concat(items, ',') .. ']}')
redis.call('ZADD', KEYS[4], now, ARGV[5])
local excess = redis.call('ZCARD', KEYS[4]) - ${RECENT_RUNS_KEPT}
if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[4], 0, excess - 1) end
redis.call('ZADD', KEYS[2], now, ARGV[5])
local rest = n - #items
if rest == 0 then
  redis.call('ZREM', KEYS[2], ARGV[1])
elseif rest >= max then
  redis.call('ZADD', KEYS[2], now, ARGV[1])
else
  redis.call('ZADD', KEYS[2], tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]) + timeout, ARGV[1])
end
return #items`;

export class LocalRunner implements LocalInngestApi {
  private readonly redis: Redis;
  private readonly ns: string;
  private readonly concurrency: number;
  private readonly maxLagMs: number;
  private lagMs = 0;
  private readonly pollMs: number;
  private readonly readGapMs: number;
  private readonly leaseMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly checkpointing: boolean;
  private readonly reclaimIdleMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private readonly consumer = `c-${process.pid}-${randomBytes(4).toString('hex')}`;
  /**
   * Event ids: this runner's random tag and a counter, unique across processes without a call into the random
   * source per event (which showed in the hold's profile at ~1.5 % of the API's CPU).
   */
  private readonly eventIdTag = randomBytes(6).toString('hex');
  private eventCount = 0;
  private fns = new Map<string, FnConfig>();
  private handler: InProcessHandler | undefined;
  private reader: Redis | undefined;
  private running = false;
  private inflight = 0;
  private readonly live = new Map<string, LiveRun>();
  /** Runs this process is driving (from claim to end of drive), and those claimed again meanwhile. */
  private readonly starting = new Set<string>();
  private readonly redrive = new Set<string>();
  private readonly loops: Promise<void>[] = [];
  private wakeUp: (() => void) | undefined;
  private readonly firedCron = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: LocalRunnerOptions) {
    this.redis = options.redis;
    this.ns = options.namespace ?? 'wf:';
    this.concurrency = options.concurrency ?? 64;
    this.maxLagMs = options.maxLagMs ?? 50;
    this.pollMs = options.pollMs ?? 25;
    this.readGapMs = options.readGapMs ?? 10;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.checkpointing = options.checkpointing ?? true;
    this.reclaimIdleMs = options.reclaimIdleMs ?? 30_000;
    this.log = options.log ?? ((m, e) => console.warn(`[workflows] ${m}`, e ?? ''));
    this.redis.defineCommand('wfClaim', { numberOfKeys: 1, lua: CLAIM });
    this.redis.defineCommand('wfCreate', { numberOfKeys: 4, lua: CREATE });
    this.redis.defineCommand('wfReleaseIfOwner', { numberOfKeys: 1, lua: RELEASE_IF_OWNER });
    this.redis.defineCommand('wfAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    this.redis.defineCommand('wfResolveWait', { numberOfKeys: 3, lua: RESOLVE_WAIT });
    this.redis.defineCommand('wfBatchAdd', { numberOfKeys: 2, lua: BATCH_ADD });
    this.redis.defineCommand('wfBatchFlush', { numberOfKeys: 4, lua: BATCH_FLUSH });
    // Sends are accepted (persisted) from now on, even before start(): nothing is lost while booting.
    options.transport.attach(this);
  }

  private get scripts(): RunnerRedis {
    return this.redis as unknown as RunnerRedis;
  }

  // ---------------------------------------------------------------- keys
  private k = {
    events: () => `${this.ns}events`,
    due: () => `${this.ns}due`,
    recent: () => `${this.ns}runs`,
    run: (id: string) => `${this.ns}run:${id}`,
    waits: (event: string) => `${this.ns}waits:${event}`,
    singleton: (fn: string, key: string) => `${this.ns}singleton:${fn}:${key}`,
    sem: (fn: string, key: string) => `${this.ns}sem:${fn}:${key}`,
    cron: (fn: string, minute: number) => `${this.ns}cron:${fn}:${minute}`,
    cancel: (id: string) => `${this.ns}cancel:${id}`,
    batch: (fn: string, key: string) => `${this.ns}batch:${fn}:${key}`,
  };
  private readonly group = 'runners';

  // ---------------------------------------------------------------- lifecycle
  async start(): Promise<void> {
    if (this.running) return;
    this.handler = this.options.handler();
    this.fns = new Map();
    for (const fn of this.options.functions()) {
      for (const config of functionConfigs(fn, this.options.inngest.id)) this.fns.set(config.id, config);
    }
    await this.ensureGroup();
    // Its own connection for the blocking read, never auto-pipelined behind (or ahead of) other commands.
    this.reader = this.redis.duplicate({ enableAutoPipelining: false });
    this.running = true;
    this.loops.push(this.eventLoop(), this.runLoop());
    this.timers.push(setInterval(() => void this.cronTick().catch((e) => this.log('cron tick failed', e)), 1_000));
    let last = performance.now();
    this.timers.push(
      setInterval(() => {
        const now = performance.now();
        this.lagMs = Math.max(0, now - last - 100);
        last = now;
      }, 100),
    );
    for (const t of this.timers) t.unref();
    void this.cronTick().catch((e) => this.log('cron tick failed', e));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.wakeUp?.();
    this.reader?.disconnect();
    await Promise.allSettled(this.loops);
    this.loops.length = 0;
    // Let in-flight drives finish their current request so state is written (bounded).
    const deadline = Date.now() + 5_000;
    while (this.inflight > 0 && Date.now() < deadline) await sleep(20);
  }

  get functionIds(): string[] {
    return [...this.fns.keys()];
  }

  // ---------------------------------------------------------------- event API (LocalInngestApi)
  async ingest(events: readonly IncomingEvent[]): Promise<string[]> {
    const now = Date.now();
    const entries: string[][] = [];
    const ids: string[] = [];
    let entry: string[] = [];
    for (const e of events) {
      if (!e || typeof e.name !== 'string' || e.name === '') throw new Error('event without a name');
      const stored: StoredEvent = {
        name: e.name,
        data: (e.data ?? {}) as Record<string, unknown>,
        id: e.id || `evt_${now.toString(36)}${this.eventIdTag}${(this.eventCount++).toString(36)}`,
        ts: typeof e.ts === 'number' ? e.ts : now,
        ...(e.user ? { user: e.user } : {}),
      };
      ids.push(stored.id);
      entry.push('e', JSON.stringify(stored));
      if (entry.length === 2 * EVENTS_PER_ENTRY) {
        entries.push(entry);
        entry = [];
      }
    }
    if (entry.length) entries.push(entry);
    // Usually one entry (a send's events share one): one XADD, no Pipeline object.
    await Promise.all(
      entries.map((fields) => this.redis.xadd(this.k.events(), 'MAXLEN', '~', '500000', '*', ...fields)),
    );
    // No wake-up of the run loop here: nothing is due until the event loop (blocked on the stream) turns
    // these events into runs, and it wakes the run loop itself when that makes something due at once.
    return ids;
  }

  async checkpoint(runId: string, steps: readonly unknown[]): Promise<void> {
    const live = this.live.get(runId);
    if (!live) return;
    const writes: string[] = [];
    for (const raw of steps as Op[]) {
      if (raw.op === 'StepRun' || raw.op === 'Step')
        writes.push(...this.memo(live, raw.id, { data: raw.data ?? null }));
      else if (raw.op === 'StepFailed') writes.push(...this.memo(live, raw.id, { error: raw.error ?? raw.data }));
    }
    if (writes.length) await this.save(live, writes);
  }

  // ---------------------------------------------------------------- admin
  async listRuns(limit = 50): Promise<RunSummary[]> {
    const ids = await this.redis.zrevrange(this.k.recent(), 0, Math.max(0, limit - 1));
    if (!ids.length) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.k.run(id), 'meta').hlen(this.k.run(id));
    const results = (await pipeline.exec()) ?? [];
    const runs: RunSummary[] = [];
    ids.forEach((id, i) => {
      const raw = results[i * 2]?.[1] as string | null;
      const fields = (results[i * 2 + 1]?.[1] as number) ?? 0;
      if (!raw) return;
      const m = JSON.parse(raw) as RunMeta;
      runs.push({
        runId: id,
        functionId: m.fn,
        status: m.status,
        eventName: m.event.name,
        attempt: m.attempt,
        steps: Math.max(0, fields - 1),
        createdAt: new Date(m.createdAt).toISOString(),
        startedAt: m.startedAt ? new Date(m.startedAt).toISOString() : null,
        endedAt: m.endedAt ? new Date(m.endedAt).toISOString() : null,
        error: m.error ?? null,
      });
    });
    return runs;
  }

  async getRun(runId: string): Promise<RunSummary | undefined> {
    const raw = await this.redis.hget(this.k.run(runId), 'meta');
    if (!raw) return undefined;
    const m = JSON.parse(raw) as RunMeta;
    return {
      runId,
      functionId: m.fn,
      status: m.status,
      eventName: m.event.name,
      attempt: m.attempt,
      steps: m.stack.length,
      createdAt: new Date(m.createdAt).toISOString(),
      startedAt: m.startedAt ? new Date(m.startedAt).toISOString() : null,
      endedAt: m.endedAt ? new Date(m.endedAt).toISOString() : null,
      error: m.error ?? null,
    };
  }

  /** Output of a completed run (tests and tooling). */
  async runOutput(runId: string): Promise<unknown> {
    const raw = await this.redis.hget(this.k.run(runId), 'meta');
    return raw ? (JSON.parse(raw) as RunMeta).output : undefined;
  }

  // ---------------------------------------------------------------- events in
  private async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.k.events(), this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  private async eventLoop(): Promise<void> {
    let lastReclaim = 0;
    while (this.running) {
      try {
        const reader = this.reader as Redis;
        let entries: Array<[string, string[]]> = [];
        if (Date.now() - lastReclaim > Math.min(this.reclaimIdleMs, 10_000)) {
          lastReclaim = Date.now();
          const claimed = (await reader.xautoclaim(
            this.k.events(),
            this.group,
            this.consumer,
            this.reclaimIdleMs,
            '0-0',
            'COUNT',
            100,
          )) as [string, Array<[string, string[]] | null>];
          entries = (claimed[1] ?? []).filter((e): e is [string, string[]] => Array.isArray(e));
        }
        if (!entries.length) {
          const res = (await reader.xreadgroup(
            'GROUP',
            this.group,
            this.consumer,
            'COUNT',
            READ_COUNT,
            'BLOCK',
            500,
            'STREAMS',
            this.k.events(),
            '>',
          )) as Array<[string, Array<[string, string[]]>]> | null;
          entries = res?.[0]?.[1] ?? [];
        }
        if (!entries.length) continue;
        // Each event's runs are created (idempotently) before the ack: a crash in between redelivers it.
        const events: StoredEvent[] = [];
        for (const [, fields] of entries) {
          for (let i = 0; i < fields.length; i += 2) {
            const json = fields[i + 1];
            if (fields[i] === 'e' && json) events.push(JSON.parse(json) as StoredEvent);
          }
        }
        const dueNow = await this.handleEvents(events);
        await this.redis.xack(this.k.events(), this.group, ...entries.map(([id]) => id));
        // Only when a run is due at once: a wake-up per read would poll the due set once per event for nothing
        // (a batch's entry is due only when it is full or its timeout passes, and the run loop polls for that).
        if (dueNow) this.wakeUp?.();
        if (entries.length < READ_COUNT && this.readGapMs > 0) await sleep(this.readGapMs);
      } catch (error) {
        if (!this.running) return;
        this.log('event loop error', error);
        await sleep(500);
      }
    }
  }

  /**
   * One stream read's events, in stream order: a run per event for plain functions; for batched ones, one call
   * per (function, key) adding all of the read's events; and the open waits read once per event name.
   * Resolves true when any of it is due at once (a new run, a full batch, a resolved wait).
   */
  private async handleEvents(events: readonly StoredEvent[]): Promise<boolean> {
    const work: Promise<boolean>[] = [];
    const batches = new Map<string, { fn: FnConfig; key: string; events: StoredEvent[] }>();
    const byName = new Map<string, StoredEvent[]>();
    for (const event of events) {
      for (const fn of this.fns.values()) {
        for (const trigger of fn.triggers) {
          if (!trigger.event || !eventMatches(trigger.event, event.name)) continue;
          if (trigger.expression && !safeEvaluate(trigger.expression, { event }, this.log)) continue;
          if (fn.batch) {
            const key = fn.batch.key ? String(evaluateValue(fn.batch.key, { event })) : '_';
            const group = batches.get(`${fn.id}|${key}`);
            if (group) group.events.push(event);
            else batches.set(`${fn.id}|${key}`, { fn, key, events: [event] });
          } else {
            work.push(this.createRun(fn, event, hashId(`${fn.id}\n${event.id}`)));
          }
          break;
        }
      }
      const named = byName.get(event.name);
      if (named) named.push(event);
      else byName.set(event.name, [event]);
    }
    for (const { fn, key, events: members } of batches.values()) work.push(this.addToBatch(fn, key, members));
    for (const [name, named] of byName) work.push(this.matchWaits(name, named));
    return (await Promise.all(work)).includes(true);
  }

  /** Resolves the open `waitForEvent`s on `name` that these events (in order) match; the first match wins. */
  private async matchWaits(name: string, events: readonly StoredEvent[]): Promise<boolean> {
    const waits = await this.redis.hgetall(this.k.waits(name));
    const open = Object.entries(waits).map(([field, json]) => ({
      field,
      wait: JSON.parse(json) as { runId: string; step: string; if?: string; event: StoredEvent; expiresAt: number },
    }));
    if (!open.length) return false;
    const now = Date.now();
    const resolved = new Set<string>();
    for (const event of events) {
      for (const { field, wait } of open) {
        if (resolved.has(field)) continue;
        if (wait.expiresAt < now) continue; // the timeout wins; the driver resolves it
        if (wait.if && !safeEvaluate(wait.if, { event: wait.event, async: event }, this.log)) continue;
        resolved.add(field);
        await this.scripts.wfResolveWait(
          this.k.waits(name),
          this.k.run(wait.runId),
          this.k.due(),
          field,
          `s:${wait.step}`,
          JSON.stringify({ data: event }),
          now,
          wait.runId,
        );
      }
    }
    return resolved.size > 0;
  }

  /** Resolves true: a new run is due at once (or was already there, from a redelivered event). */
  private async createRun(fn: FnConfig, event: StoredEvent, runId: string): Promise<boolean> {
    const now = Date.now();
    const meta: RunMeta = {
      id: runId,
      fn: fn.id,
      event,
      status: 'queued',
      attempt: 0,
      stack: [],
      planned: [],
      createdAt: now,
    };
    let lockKey = this.k.singleton('_none', runId);
    if (fn.singleton) {
      const key = fn.singleton.key ? String(evaluateValue(fn.singleton.key, { event })) : '_';
      lockKey = this.k.singleton(fn.id, key);
      meta.singletonKey = lockKey;
      if (fn.singleton.mode === 'cancel') {
        const holder = await this.redis.get(lockKey);
        if (holder && holder !== runId) await this.cancelRun(holder, lockKey);
      }
    }
    const skipped: RunMeta = { ...meta, status: 'skipped', endedAt: now, error: 'singleton: another run is active' };
    await this.scripts.wfCreate(
      this.k.run(runId),
      this.k.due(),
      this.k.recent(),
      lockKey,
      runId,
      JSON.stringify(meta),
      JSON.stringify(skipped),
      now,
      24 * 3600 * 1000,
      fn.singleton ? '1' : '0',
    );
    return true;
  }

  /**
   * `batchEvents`: the events join their function's buffer for `key`, and the due set gets an entry that fires
   * when the batch is full or its first event is `timeout` old. The same event delivered twice (a redelivery
   * after a crash) is buffered once while its batch is still open.
   */
  private async addToBatch(fn: FnConfig, key: string, events: readonly StoredEvent[]): Promise<boolean> {
    const batch = fn.batch as NonNullable<FnConfig['batch']>;
    const size = await this.scripts.wfBatchAdd(
      this.k.batch(fn.id, key),
      this.k.due(),
      Date.now(),
      `${BATCH_ENTRY}${fn.id}|${key}`,
      batch.timeoutMs,
      batch.maxSize,
      ...events.map((event) => JSON.stringify(event)),
    );
    return size >= batch.maxSize;
  }

  /** A batch entry came due: turn up to `maxSize` buffered events into one run (atomically, in Redis). */
  private async flushBatch(entry: string): Promise<void> {
    const [fnId = '', ...rest] = entry.slice(BATCH_ENTRY.length).split('|');
    const key = rest.join('|');
    const fn = this.fns.get(fnId);
    if (!fn?.batch) {
      await this.redis.zadd(this.k.due(), Date.now() + 60_000, entry);
      return;
    }
    const now = Date.now();
    const runId = hashId(`${entry}\n${now}\n${randomBytes(8).toString('hex')}`);
    const meta: Omit<RunMeta, 'event'> = {
      id: runId,
      fn: fn.id,
      status: 'queued',
      attempt: 0,
      stack: [],
      planned: [],
      createdAt: now,
    };
    const head = JSON.stringify(meta).slice(0, -1);
    const taken = await this.scripts.wfBatchFlush(
      this.k.batch(fn.id, key),
      this.k.due(),
      this.k.run(runId),
      this.k.recent(),
      entry,
      now,
      fn.batch.timeoutMs,
      fn.batch.maxSize,
      runId,
      head,
    );
    if (taken > 0) this.wakeUp?.();
  }

  private async cancelRun(runId: string, lockKey: string): Promise<void> {
    await this.redis
      .multi()
      .set(this.k.cancel(runId), '1', 'EX', FINISHED_RUN_TTL_S)
      .zadd(this.k.due(), Date.now(), runId)
      .eval(RELEASE_IF_OWNER, 1, lockKey, runId)
      .exec();
  }

  // ---------------------------------------------------------------- crons
  private async cronTick(): Promise<void> {
    const minute = Math.floor(Date.now() / 60_000);
    const at = new Date(minute * 60_000);
    for (const fn of this.fns.values()) {
      if (!fn.crons.length || this.firedCron.get(fn.id) === minute) continue;
      const index = fn.crons.findIndex((c) => c.matches(at));
      if (index < 0) continue;
      this.firedCron.set(fn.id, minute);
      // The per-(function, minute) lease: whichever process sets it first starts the run.
      const won = await this.redis.set(this.k.cron(fn.id, minute), this.consumer, 'EX', 7_200, 'NX');
      if (won !== 'OK') continue;
      const cron = fn.triggers.filter((t) => t.cron)[index]?.cron ?? '';
      const event: StoredEvent = {
        name: 'inngest/scheduled.timer',
        data: { cron },
        id: `cron-${fn.id}-${minute}`,
        ts: at.getTime(),
      };
      await this.createRun(fn, event, hashId(`${fn.id}\n${event.id}`));
      this.wakeUp?.();
    }
  }

  // ---------------------------------------------------------------- runs
  private async runLoop(): Promise<void> {
    while (this.running) {
      try {
        const cap = this.lagMs > this.maxLagMs ? Math.min(4, this.concurrency) : this.concurrency;
        const free = cap - this.inflight;
        let claimed: string[] = [];
        if (free > 0) {
          const now = Date.now();
          claimed = (await this.scripts.wfClaim(this.k.due(), now, now + this.leaseMs, free)) as string[];
          for (const id of claimed) {
            // Due again while this process still drives it (e.g. a sleep that had already expired when it was
            // scheduled): the claim just pushed its score out by a lease, so drive it again right after.
            if (this.live.has(id) || this.starting.has(id)) {
              this.redrive.add(id);
              continue;
            }
            this.inflight++;
            this.starting.add(id);
            void this.drive(id)
              .catch((error) => this.log(`run ${id} failed to drive`, error))
              .finally(async () => {
                this.starting.delete(id);
                this.inflight--;
                if (this.redrive.delete(id)) {
                  await this.redis.zadd(this.k.due(), Date.now(), id).catch(() => {});
                }
                this.wakeUp?.();
              });
          }
        }
        if (claimed.length === 0 || claimed.length < free) await this.idle(this.pollMs);
        else await new Promise((r) => setImmediate(r));
      } catch (error) {
        if (!this.running) return;
        this.log('run loop error', error);
        await sleep(500);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async load(runId: string): Promise<LiveRun | undefined> {
    const raw = await this.redis.hgetall(this.k.run(runId));
    if (!raw.meta) return undefined;
    const steps: Record<string, StepState> = {};
    for (const [field, value] of Object.entries(raw)) {
      if (field.startsWith('s:')) steps[field.slice(2)] = JSON.parse(value) as StepState;
    }
    return { meta: JSON.parse(raw.meta) as RunMeta, steps, executed: 0 };
  }

  private async drive(runId: string): Promise<void> {
    if (runId.startsWith(BATCH_ENTRY)) return this.flushBatch(runId);
    const live = await this.load(runId);
    if (!live || TERMINAL.has(live.meta.status)) {
      await this.redis.zrem(this.k.due(), runId);
      return;
    }
    const { meta } = live;
    const fn = this.fns.get(meta.fn);
    if (!fn) {
      // Served by another version of the app; leave it for a process that knows it.
      await this.redis.zadd(this.k.due(), Date.now() + 60_000, runId);
      return;
    }
    if (fn.singleton?.mode === 'cancel' && (await this.redis.exists(this.k.cancel(runId)))) {
      await this.finish(live, fn, 'cancelled', { error: 'cancelled by a newer singleton run' });
      return;
    }
    const now = Date.now();
    if (meta.status === 'sleeping' && meta.sleepStep) {
      if (now < (meta.wakeAt ?? 0)) return void (await this.redis.zadd(this.k.due(), meta.wakeAt ?? now, runId));
      const writes = this.memo(live, meta.sleepStep, { data: null });
      meta.sleepStep = undefined;
      meta.wakeAt = undefined;
      meta.status = 'running';
      await this.save(live, writes);
    } else if (meta.status === 'waiting' && meta.wait) {
      const wait = meta.wait;
      if (!live.steps[wait.step]) {
        if (now < wait.expiresAt) return void (await this.redis.zadd(this.k.due(), wait.expiresAt, runId));
        // Timed out: whoever deletes the wait entry decides (an event may be matching it right now).
        const removed = await this.redis.hdel(this.k.waits(wait.event), wait.field);
        if (!removed) return void (await this.redis.zadd(this.k.due(), Date.now(), runId));
        live.steps[wait.step] = { data: null };
      }
      const writes = this.memo(live, wait.step, live.steps[wait.step] as StepState);
      meta.wait = undefined;
      meta.status = 'running';
      await this.save(live, writes);
    }

    const semKey = fn.concurrency
      ? this.k.sem(fn.id, fn.concurrency.key ? String(evaluateValue(fn.concurrency.key, { event: meta.event })) : '_')
      : undefined;
    if (semKey && fn.concurrency) {
      const t = Date.now();
      const ok = await this.scripts.wfAcquire(
        semKey,
        runId,
        t,
        t + this.leaseMs,
        fn.concurrency.limit,
        this.leaseMs * 2,
      );
      if (!ok) {
        await this.redis.zadd(this.k.due(), Date.now() + 20 + Math.floor(Math.random() * 80), runId);
        return;
      }
    }
    this.live.set(runId, live);
    try {
      if (!meta.startedAt) {
        meta.startedAt = Date.now();
        meta.status = 'running';
        this.options.observer?.runStarted?.(fn.id, meta.startedAt - meta.event.ts);
      }
      await this.execute(live, fn);
    } finally {
      this.live.delete(runId);
      if (semKey) await this.redis.zrem(semKey, runId);
      if (live.executed) this.options.observer?.stepsExecuted?.(fn.id, live.executed);
    }
  }

  /** Calls the function until it completes, fails, sleeps, waits or needs a retry later. */
  private async execute(live: LiveRun, fn: FnConfig): Promise<void> {
    const { meta } = live;
    const handler = this.handler as InProcessHandler;
    // A function that never stops planning steps must not monopolise this driver: yield it back to the queue.
    for (let round = 0; ; round++) {
      if (round >= 1_000) return void (await this.redis.zadd(this.k.due(), Date.now(), meta.id));
      const stepId = meta.planned[0] ?? 'step';
      // No `version`: the SDK then picks its preferred one (2) without trying (and failing) each literal.
      const body = {
        event: meta.event,
        events: meta.events ?? [meta.event],
        // Copies: the SDK gets the body as objects (no JSON round trip), and must not share the runner's state.
        steps: { ...live.steps },
        ctx: {
          run_id: meta.id,
          attempt: meta.attempt,
          max_attempts: fn.maxAttempts,
          ...(this.checkpointing && stepId === 'step' ? { fn_id: fn.id, qi_id: meta.id } : {}),
          stack: { stack: [...meta.stack], current: Math.max(0, meta.stack.length - 1) },
        },
      };
      let status: number;
      let text: string;
      let noRetry = false;
      let retryAfter: string | null = null;
      try {
        const res = await handler({
          query: `fnId=${encodeURIComponent(fn.id)}&stepId=${encodeURIComponent(stepId)}`,
          body,
        });
        status = res.status;
        text = res.body;
        noRetry = headerOf(res.headers, 'x-inngest-no-retry') === 'true';
        retryAfter = headerOf(res.headers, 'retry-after') ?? null;
      } catch (error) {
        status = 500;
        text = JSON.stringify({ message: (error as Error).message });
      }

      if (status === 200) {
        live.executed++;
        return this.finish(live, fn, 'completed', { output: parseJson(text) });
      }
      if (status === 206) {
        const ops = (parseJson(text) as Op[] | null) ?? [];
        const next = await this.applyOps(live, fn, ops, retryAfter);
        if (next === 'continue') continue;
        return;
      }
      // Function-level error: 4xx or no-retry = failed for good; otherwise retry the request with backoff.
      if (status < 500 || noRetry) return this.finish(live, fn, 'failed', { error: errorMessage(text) });
      return this.retry(live, fn, errorMessage(text), retryAfter);
    }
  }

  private async applyOps(
    live: LiveRun,
    fn: FnConfig,
    ops: Op[],
    retryAfter: string | null,
  ): Promise<'continue' | 'stop'> {
    const { meta } = live;
    const writes: string[] = [];
    let progressed = false;
    let complete: Op | undefined;
    let stepError: Op | undefined;
    let sleepOp: Op | undefined;
    let waitOp: Op | undefined;
    const planned: string[] = [];
    for (const op of ops) {
      switch (op.op) {
        case 'StepRun':
        case 'Step':
          // Re-reported after a checkpoint fallback is fine: memoizing is idempotent; the next request moves on.
          writes.push(...this.memo(live, op.id, { data: op.data ?? null }));
          progressed = true;
          break;
        case 'StepFailed':
          writes.push(...this.memo(live, op.id, { error: op.error ?? op.data }));
          progressed = true;
          break;
        case 'StepError':
          stepError ??= op;
          break;
        case 'StepPlanned':
          if (!live.steps[op.id]) planned.push(op.id);
          break;
        case 'Sleep':
          sleepOp ??= op;
          break;
        case 'WaitForEvent':
          waitOp ??= op;
          break;
        case 'RunComplete':
          complete = op;
          break;
        default:
          await this.save(live, writes);
          await this.finish(live, fn, 'failed', { error: `unsupported step opcode ${op.op} (local runner)` });
          return 'stop';
      }
    }
    if (planned.length) {
      meta.planned = [...new Set([...meta.planned.filter((id) => !live.steps[id]), ...planned])];
      progressed = true;
    }
    if (complete) {
      await this.save(live, writes);
      await this.finish(live, fn, 'completed', { output: complete.data ?? null });
      return 'stop';
    }
    if (stepError) {
      await this.save(live, writes);
      await this.retry(live, fn, errorMessage(JSON.stringify(stepError.error ?? stepError.data)), retryAfter);
      return 'stop';
    }
    if (progressed) {
      await this.save(live, writes);
      return 'continue';
    }
    if (sleepOp) {
      const until = parseSleep(sleepOp.name ?? '', sleepOp.opts);
      meta.status = 'sleeping';
      meta.sleepStep = sleepOp.id;
      meta.wakeAt = until;
      await this.save(live, writes);
      await this.redis.zadd(this.k.due(), until, meta.id);
      return 'stop';
    }
    if (waitOp) {
      const opts = (waitOp.opts ?? {}) as { event?: string; timeout?: string; if?: string };
      const eventName = opts.event ?? waitOp.name ?? '';
      const expiresAt = Date.now() + parseDuration(opts.timeout ?? '1h');
      const field = `${meta.id}|${waitOp.id}`;
      meta.status = 'waiting';
      meta.wait = { step: waitOp.id, event: eventName, expiresAt, field };
      await this.save(live, writes);
      await this.redis
        .multi()
        .hset(
          this.k.waits(eventName),
          field,
          JSON.stringify({ runId: meta.id, step: waitOp.id, if: opts.if, event: meta.event, expiresAt }),
        )
        .zadd(this.k.due(), expiresAt, meta.id)
        .exec();
      return 'stop';
    }
    await this.save(live, writes);
    await this.finish(live, fn, 'failed', { error: 'function returned 206 without any step to act on' });
    return 'stop';
  }

  /** Records a step result; returns the hash fields to write. */
  private memo(live: LiveRun, id: string, state: StepState): string[] {
    if (!live.steps[id]) live.meta.stack.push(id);
    live.steps[id] = state;
    live.meta.planned = live.meta.planned.filter((p) => p !== id);
    live.meta.attempt = 0;
    live.executed++;
    return [`s:${id}`, JSON.stringify(state)];
  }

  private async save(live: LiveRun, writes: string[]): Promise<void> {
    await this.redis.hset(this.k.run(live.meta.id), 'meta', JSON.stringify(live.meta), ...writes);
  }

  private async retry(live: LiveRun, fn: FnConfig, error: string, retryAfter: string | null): Promise<void> {
    const { meta } = live;
    meta.attempt++;
    if (meta.attempt >= fn.maxAttempts) return this.finish(live, fn, 'failed', { error });
    this.options.observer?.stepRetried?.(fn.id);
    const backoff = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (meta.attempt - 1));
    const jittered = backoff * (0.9 + Math.random() * 0.2);
    const after = retryAfterMs(retryAfter);
    meta.status = 'retrying';
    meta.error = error;
    await this.save(live, []);
    await this.redis.zadd(this.k.due(), Date.now() + (after ?? jittered), meta.id);
  }

  private async finish(
    live: LiveRun,
    fn: FnConfig,
    status: 'completed' | 'failed' | 'cancelled',
    result: { output?: unknown; error?: string },
  ): Promise<void> {
    const { meta } = live;
    meta.status = status;
    meta.endedAt = Date.now();
    if ('output' in result) meta.output = result.output;
    if (result.error !== undefined) meta.error = result.error;
    else if (status === 'completed') meta.error = undefined;
    const multi = this.redis
      .multi()
      .hset(this.k.run(meta.id), 'meta', JSON.stringify(meta))
      .expire(this.k.run(meta.id), FINISHED_RUN_TTL_S)
      .zrem(this.k.due(), meta.id);
    if (meta.singletonKey) multi.eval(RELEASE_IF_OWNER, 1, meta.singletonKey, meta.id);
    await multi.exec();
    this.options.observer?.runFinished?.(fn.id, status, meta.endedAt - (meta.startedAt ?? meta.createdAt));
    if (status === 'failed') {
      // What Inngest emits on a permanent failure; `onFailure` handlers are functions triggered by it.
      await this.ingest([
        {
          name: 'inngest/function.failed',
          data: {
            function_id: fn.id,
            run_id: meta.id,
            error: { name: 'Error', message: meta.error ?? 'failed' },
            event: meta.event,
          },
        },
      ]);
    }
  }
}

// ------------------------------------------------------------------ helpers

type RunnerRedis = Redis & {
  wfClaim(key: string, now: number, until: number, count: number): Promise<string[]>;
  wfCreate(...args: Array<string | number>): Promise<number>;
  wfAcquire(key: string, holder: string, now: number, until: number, limit: number, ttl: number): Promise<number>;
  wfResolveWait(...args: Array<string | number>): Promise<number>;
  wfBatchAdd(...args: Array<string | number>): Promise<number>;
  wfBatchFlush(...args: Array<string | number>): Promise<number>;
};

interface RawFunctionConfig {
  id: string;
  triggers?: Array<{ event?: string; expression?: string; cron?: string }>;
  steps?: Record<string, { retries?: { attempts?: number } }>;
  concurrency?: number | { limit: number; key?: string } | Array<{ limit: number; key?: string }>;
  singleton?: { mode: 'skip' | 'cancel'; key?: string };
  batchEvents?: { maxSize: number; timeout: string; key?: string };
}

/** Reads a function's config the way the SDK registers it with a server (ids, triggers, retries, flow control). */
export function functionConfigs(fn: InngestFunction.Any, appId: string): FnConfig[] {
  const getConfig = (fn as unknown as { getConfig(o: { baseUrl: URL; appPrefix: string }): RawFunctionConfig[] })
    .getConfig;
  const raw = getConfig.call(fn, { baseUrl: new URL('http://127.0.0.1/api/inngest'), appPrefix: appId });
  return raw.map((c) => {
    const concurrency = Array.isArray(c.concurrency)
      ? c.concurrency[0]
      : typeof c.concurrency === 'number'
        ? { limit: c.concurrency }
        : c.concurrency;
    const attempts = c.steps?.step?.retries?.attempts;
    const triggers = c.triggers ?? [];
    return {
      id: c.id,
      triggers,
      // `retries` counts retries; Inngest's default is 3, so 4 attempts.
      maxAttempts: (attempts ?? 3) + 1,
      ...(concurrency && concurrency.limit > 0
        ? { concurrency: { limit: concurrency.limit, ...(concurrency.key ? { key: concurrency.key } : {}) } }
        : {}),
      ...(c.singleton ? { singleton: c.singleton } : {}),
      ...(c.batchEvents
        ? {
            batch: {
              maxSize: Math.max(1, c.batchEvents.maxSize),
              timeoutMs: parseDuration(c.batchEvents.timeout),
              ...(c.batchEvents.key ? { key: c.batchEvents.key } : {}),
            },
          }
        : {}),
      crons: triggers.filter((t) => t.cron).map((t) => parseCron(t.cron as string)),
    };
  });
}

function eventMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  return pattern.endsWith('/*') && name.startsWith(pattern.slice(0, -1));
}

function safeEvaluate(expression: string, scope: Record<string, unknown>, log: (m: string, e?: unknown) => void) {
  try {
    return evaluateExpression(expression, scope);
  } catch (error) {
    log(`expression "${expression}" not supported by the local runner`, error);
    return false;
  }
}

export function hashId(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 24);
}

/** Header lookup in the SDK's reply, whatever case it spelled the name in. */
function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return text;
  }
}

function errorMessage(text: string): string {
  const parsed = parseJson(text) as { message?: string; error?: string } | string | null;
  if (parsed && typeof parsed === 'object') return String(parsed.message ?? parsed.error ?? text).slice(0, 2_000);
  return String(parsed ?? 'unknown error').slice(0, 2_000);
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Inngest duration strings: `500ms`, `1s`, `1h30m`, `2d`; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    matched += m[0];
  }
  if (!matched || matched !== text.replace(/\s+/g, '')) throw new Error(`unsupported duration "${text}"`);
  return total;
}

function parseSleep(name: string, opts: Record<string, unknown> | undefined): number {
  // The SDK sends the target in `name`: a duration for step.sleep, an ISO date for step.sleepUntil.
  const candidate = (opts?.duration as string | undefined) ?? name;
  if (/^\d{4}-\d{2}-\d{2}T/.test(candidate)) return Date.parse(candidate);
  return Date.now() + parseDuration(candidate);
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1_000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
