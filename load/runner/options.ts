import { parseDurationMs } from './k6-shims';

/**
 * k6 `options` -> a list of scenario plans. The supported subset (anything else is refused with a message):
 * - `scenarios` with executors constant-vus, ramping-vus, constant-arrival-rate, ramping-arrival-rate,
 *   per-vu-iterations, shared-iterations; per scenario `exec`, `startTime`, `gracefulStop`, `env`, `tags`;
 * - the shortcuts `stages` (ramping-vus), `vus` + `duration` (constant-vus), `vus` + `iterations`
 *   (shared-iterations), nothing (1 VU, 1 iteration);
 * - `thresholds`, `discardResponseBodies`, `setupTimeout`, `teardownTimeout`, `summaryTrendStats`, `tags`,
 *   `noConnectionReuse: false`, `userAgent` (ignored: node's default is used).
 */

export interface Stage {
  durationMs: number;
  target: number;
}

interface Common {
  name: string;
  exec: string;
  startTimeMs: number;
  gracefulStopMs: number;
  env: Record<string, string>;
}

export type ScenarioPlan =
  | (Common & { executor: 'constant-vus'; vus: number; durationMs: number })
  | (Common & { executor: 'ramping-vus'; startVUs: number; stages: Stage[] })
  | (Common & { executor: 'per-vu-iterations'; vus: number; iterations: number; maxDurationMs: number })
  | (Common & { executor: 'shared-iterations'; vus: number; iterations: number; maxDurationMs: number })
  | (Common & {
      executor: 'constant-arrival-rate';
      rate: number;
      timeUnitMs: number;
      durationMs: number;
      preAllocatedVUs: number;
      maxVUs: number;
    })
  | (Common & {
      executor: 'ramping-arrival-rate';
      startRate: number;
      timeUnitMs: number;
      stages: Stage[];
      preAllocatedVUs: number;
      maxVUs: number;
    });

const TOP_LEVEL_KEYS = new Set([
  'scenarios',
  'stages',
  'vus',
  'duration',
  'iterations',
  'thresholds',
  'discardResponseBodies',
  'setupTimeout',
  'teardownTimeout',
  'summaryTrendStats',
  'tags',
  'noConnectionReuse',
  'userAgent',
]);

const SCENARIO_KEYS: Record<string, string[]> = {
  'constant-vus': ['vus', 'duration'],
  'ramping-vus': ['startVUs', 'stages', 'gracefulRampDown'],
  'per-vu-iterations': ['vus', 'iterations', 'maxDuration'],
  'shared-iterations': ['vus', 'iterations', 'maxDuration'],
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
};
const COMMON_KEYS = ['executor', 'exec', 'startTime', 'gracefulStop', 'env', 'tags'];

export class OptionsError extends Error {
  override name = 'OptionsError';
}

const dur = (v: unknown, what: string): number => {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string')
    throw new OptionsError(`${what}: expected a duration like '30s', got ${JSON.stringify(v)}`);
  try {
    return parseDurationMs(v);
  } catch {
    throw new OptionsError(`${what}: invalid duration '${v}'`);
  }
};
const int = (v: unknown, what: string, min = 0): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new OptionsError(`${what}: expected a number >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
};
const stagesOf = (v: unknown, what: string): Stage[] => {
  if (!Array.isArray(v) || v.length === 0) throw new OptionsError(`${what}: expected a non-empty array of stages`);
  return v.map((s, i) => {
    const st = s as { duration?: unknown; target?: unknown };
    return { durationMs: dur(st.duration, `${what}[${i}].duration`), target: int(st.target, `${what}[${i}].target`) };
  });
};

export function planScenarios(options: Record<string, unknown>): ScenarioPlan[] {
  for (const key of Object.keys(options)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw new OptionsError(`options.${key} is not supported by this runner`);
  }
  if (options.noConnectionReuse === true) throw new OptionsError('options.noConnectionReuse: true is not supported');
  const defaults = { exec: 'default', startTimeMs: 0, gracefulStopMs: 30_000, env: {} };

  if (options.scenarios !== undefined) {
    if (options.stages !== undefined || options.duration !== undefined || options.iterations !== undefined) {
      throw new OptionsError('options.scenarios cannot be combined with stages/duration/iterations');
    }
    const entries = Object.entries(options.scenarios as Record<string, Record<string, unknown>>);
    if (entries.length === 0) throw new OptionsError('options.scenarios is empty');
    return entries.map(([name, s]) => planOne(name, s));
  }
  if (options.stages !== undefined) {
    return [
      {
        ...defaults,
        name: 'default',
        executor: 'ramping-vus',
        startVUs: int(options.vus ?? 1, 'options.vus'),
        stages: stagesOf(options.stages, 'options.stages'),
      },
    ];
  }
  if (options.duration !== undefined) {
    return [
      {
        ...defaults,
        name: 'default',
        executor: 'constant-vus',
        vus: int(options.vus ?? 1, 'options.vus', 1),
        durationMs: dur(options.duration, 'options.duration'),
      },
    ];
  }
  return [
    {
      ...defaults,
      name: 'default',
      executor: 'shared-iterations',
      vus: int(options.vus ?? 1, 'options.vus', 1),
      iterations: int(options.iterations ?? 1, 'options.iterations', 1),
      maxDurationMs: 10 * 60_000,
    },
  ];
}

function planOne(name: string, s: Record<string, unknown>): ScenarioPlan {
  const executor = String(s.executor);
  const allowed = SCENARIO_KEYS[executor];
  if (!allowed) throw new OptionsError(`scenario '${name}': executor '${executor}' is not supported`);
  for (const key of Object.keys(s)) {
    if (!allowed.includes(key) && !COMMON_KEYS.includes(key)) {
      throw new OptionsError(`scenario '${name}': option '${key}' is not supported for ${executor}`);
    }
  }
  const w = (k: string) => `scenarios.${name}.${k}`;
  const common: Common = {
    name,
    exec: s.exec === undefined ? 'default' : String(s.exec),
    startTimeMs: s.startTime === undefined ? 0 : dur(s.startTime, w('startTime')),
    gracefulStopMs: s.gracefulStop === undefined ? 30_000 : dur(s.gracefulStop, w('gracefulStop')),
    env: (s.env as Record<string, string> | undefined) ?? {},
  };
  switch (executor) {
    case 'constant-vus':
      return {
        ...common,
        executor,
        vus: int(s.vus ?? 1, w('vus'), 1),
        durationMs: dur(s.duration, w('duration')),
      };
    case 'ramping-vus':
      return {
        ...common,
        executor,
        startVUs: int(s.startVUs ?? 1, w('startVUs')),
        stages: stagesOf(s.stages, w('stages')),
      };
    case 'per-vu-iterations':
    case 'shared-iterations':
      return {
        ...common,
        executor,
        vus: int(s.vus ?? 1, w('vus'), 1),
        iterations: int(s.iterations ?? 1, w('iterations'), 1),
        maxDurationMs: s.maxDuration === undefined ? 10 * 60_000 : dur(s.maxDuration, w('maxDuration')),
      };
    case 'constant-arrival-rate': {
      const pre = int(s.preAllocatedVUs, w('preAllocatedVUs'), 1);
      return {
        ...common,
        executor,
        rate: int(s.rate, w('rate')),
        timeUnitMs: s.timeUnit === undefined ? 1000 : dur(s.timeUnit, w('timeUnit')),
        durationMs: dur(s.duration, w('duration')),
        preAllocatedVUs: pre,
        maxVUs: Math.max(pre, int(s.maxVUs ?? pre, w('maxVUs'))),
      };
    }
    default: {
      const pre = int(s.preAllocatedVUs, w('preAllocatedVUs'), 1);
      return {
        ...common,
        executor: 'ramping-arrival-rate',
        startRate: int(s.startRate ?? 0, w('startRate')),
        timeUnitMs: s.timeUnit === undefined ? 1000 : dur(s.timeUnit, w('timeUnit')),
        stages: stagesOf(s.stages, w('stages')),
        preAllocatedVUs: pre,
        maxVUs: Math.max(pre, int(s.maxVUs ?? pre, w('maxVUs'))),
      };
    }
  }
}

/** Planned length of a scenario without graceful stop. */
export function plannedDurationMs(p: ScenarioPlan): number {
  switch (p.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return p.startTimeMs + p.durationMs;
    case 'ramping-vus':
    case 'ramping-arrival-rate':
      return p.startTimeMs + p.stages.reduce((a, s) => a + s.durationMs, 0);
    default:
      return p.startTimeMs + p.maxDurationMs;
  }
}

/** Most VUs a scenario may use. */
export function maxVusOf(p: ScenarioPlan): number {
  switch (p.executor) {
    case 'constant-vus':
    case 'per-vu-iterations':
    case 'shared-iterations':
      return p.vus;
    case 'ramping-vus':
      return Math.max(p.startVUs, ...p.stages.map((s) => s.target));
    default:
      return p.maxVUs;
  }
}

/** VUs of a ramping-vus scenario at `t` ms: linear between stage targets, truncated as k6 does. */
export function vusAt(startVUs: number, stages: Stage[], t: number): number {
  let from = startVUs;
  let elapsed = 0;
  for (const s of stages) {
    if (t < elapsed + s.durationMs) {
      const f = s.durationMs === 0 ? 1 : (t - elapsed) / s.durationMs;
      return Math.floor(from + (s.target - from) * f);
    }
    elapsed += s.durationMs;
    from = s.target;
  }
  return from;
}

/** Iterations due by `t` ms under a (piecewise-linear) arrival rate: the integral of the rate. */
export function iterationsDueBy(startRate: number, timeUnitMs: number, stages: Stage[], t: number): number {
  let from = startRate;
  let elapsed = 0;
  let total = 0;
  for (const s of stages) {
    const span = Math.min(s.durationMs, Math.max(0, t - elapsed));
    if (span > 0) {
      const rateAtSpanEnd = from + (s.target - from) * (s.durationMs === 0 ? 1 : span / s.durationMs);
      total += ((from + rateAtSpanEnd) / 2) * (span / timeUnitMs);
    }
    elapsed += s.durationMs;
    from = s.target;
    if (t <= elapsed) break;
  }
  return total;
}
