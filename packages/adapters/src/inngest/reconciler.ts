import type { AppInngest } from './client';

/** Inngest caps retries at 20; the product never needs more than a handful. */
export type Retries = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export interface ReconcilerOptions<T> {
  /** Function id, e.g. `reservation-hold-reconciler`. */
  readonly id: string;
  /** When to look (5-field cron, UTC). Default: every minute. Use `everyMs` for sub-minute. */
  readonly cron?: string;
  /** Look more often than once a minute (a tick loop inside a once-a-minute singleton run). */
  readonly everyMs?: number;
  /**
   * Finds work left behind, from MySQL (the source of truth): e.g. holds PENDING past their expiry whose
   * expiry event was lost. Returns JSON-serialisable items; keep batches small (LIMIT), the next pass gets more.
   */
  readonly find: () => Promise<T[]>;
  /** Stable id of an item, used as the step id (memoized, so a retried pass never fixes an item twice). */
  readonly key: (item: T) => string | number;
  /** Finishes or compensates one item, idempotently (re-emit the event, or call the use case directly). */
  readonly fix: (item: T) => Promise<unknown>;
  readonly retries?: Retries;
}

/**
 * The reconciler pattern: a cron function that re-drives work whose event never arrived (the API crashed
 * after the MySQL commit, or Inngest was unreachable and `send` timed out). State is written to MySQL before
 * any event is sent, so "find what is stuck, fix it" is always enough to lose nothing. Singleton (skip): two
 * passes never overlap, in either mode; the fixes themselves must still be idempotent (guarded by the
 * database), because the event may arrive late and race the reconciler.
 */
export function createReconciler<T>(inngest: AppInngest, options: ReconcilerOptions<T>) {
  const pass = async (step: StepTools, label: string) => {
    const items = (await step.run(`${label}find`, () => options.find())) as unknown as T[];
    let fixed = 0;
    let failed = 0;
    for (const item of items) {
      try {
        await step.run(`${label}fix:${options.key(item)}`, () => options.fix(item));
        fixed++;
      } catch {
        // One stuck item must not block the rest; it is found again on the next pass.
        failed++;
      }
    }
    return { found: items.length, fixed, failed };
  };
  if (options.everyMs) {
    return createTicker(inngest, {
      id: options.id,
      everyMs: options.everyMs,
      retries: options.retries,
      tick: (step, i) => pass(step, `${i}:`),
    });
  }
  return inngest.createFunction(
    {
      id: options.id,
      retries: options.retries ?? 2,
      singleton: { mode: 'skip' },
      triggers: [{ cron: options.cron ?? '* * * * *' }],
    },
    async ({ step }) => pass(step as unknown as StepTools, ''),
  );
}

export interface TickerOptions {
  readonly id: string;
  /** Period, >= 50 ms. A run ticks for the rest of its minute and ends before the next minute's run starts. */
  readonly everyMs: number;
  /** One tick. Wrap real work in step.run inside; `i` makes step ids unique within the run. */
  readonly tick: (step: StepTools, i: number) => Promise<unknown>;
  readonly retries?: Retries;
}

function nextTick(minute: number, at: number, everyMs: number): number {
  return minute + (Math.floor((at - minute) / everyMs) + 1) * everyMs;
}

/** The minimal step API a tick or reconciler pass uses. */
export interface StepTools {
  run<R>(id: string, fn: () => R | Promise<R>): Promise<unknown>;
  sleepUntil(id: string, time: Date): Promise<void>;
}

/**
 * A sub-minute tick (e.g. queue admission every QUEUE_TICK_MS): a once-a-minute cron singleton whose body loops
 * tick + `step.sleepUntil` (sleepUntil, not sleep: the SDK rounds `step.sleep` below 1 s up to 1 s). Each tick is
 * a durable step, so a crash resumes at the next tick, and the schedule is anchored to the run's start so
 * ticks do not drift.
 */
/** Sent once when an API process starts; every ticker also listens for it (singleton: one run at a time). */
export const TICKERS_KICK_EVENT = 'workflow/tickers.kick';

export function createTicker(inngest: AppInngest, options: TickerOptions) {
  const everyMs = Math.max(50, options.everyMs);
  return inngest.createFunction(
    {
      id: options.id,
      retries: options.retries ?? 2,
      singleton: { mode: 'skip' },
      // The kick lets a fresh deployment tick at once instead of waiting for the next minute's cron.
      triggers: [{ cron: '* * * * *' }, { event: TICKERS_KICK_EVENT }],
    },
    async ({ event, step }) => {
      const tools = step as unknown as StepTools;
      const start = (await step.run('start', () => Date.now())) as number;
      // Ticks sit on the grid of the cron tick's minute and stop a margin before the next minute, so this run has
      // ended when the next minute's run starts (singleton skip would otherwise skip it), even if it started late.
      const minute = Math.floor((event.ts ?? start) / 60_000) * 60_000;
      const last = minute + 60_000 - Math.max(everyMs, 2_000);
      let ticks = 0;
      for (let at = start; at <= last; at = nextTick(minute, at, everyMs)) {
        if (ticks > 0) await step.sleepUntil(`wait:${ticks}`, new Date(at));
        await options.tick(tools, ticks);
        ticks++;
      }
      return { ticks };
    },
  );
}
