import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { HttpTransport } from './http-client';
import {
  createModules,
  parseDurationMs,
  type RunShared,
  registerBuiltinMetrics,
  TestAborted,
  VuInterrupted,
  type VuState,
} from './k6-shims';
import { MetricsRegistry } from './metrics';
import { iterationsDueBy, maxVusOf, plannedDurationMs, planScenarios, type ScenarioPlan, vusAt } from './options';
import { instantiate, type LoadedScript, loadScript } from './script-loader';
import { evaluateThresholds, prepareThresholds, type ThresholdOptions, type ThresholdResult } from './thresholds';

/**
 * Plays a k6 script: init -> setup() -> scenarios (concurrently, each by its executor) -> teardown() ->
 * thresholds. All VUs are async tasks in this one event loop; the script transform makes their blocking calls
 * awaitable. Safety bounds (never exceeded, whatever the script asks): `maxVUs`, `maxDurationMs` (planned
 * length) and `maxRequests`; a hard deadline ends the run even if iterations hang.
 */

export interface RunLimits {
  maxVUs: number;
  maxDurationMs: number;
  maxRequests: number;
}

// Every sample is kept (exact percentiles): 6 M requests are ~150 MB of samples, and 3,000/s for 30 minutes.
export const DEFAULT_LIMITS: RunLimits = { maxVUs: 5000, maxDurationMs: 30 * 60_000, maxRequests: 6_000_000 };

export interface RunConfig {
  script: string;
  env: Record<string, string>;
  limits?: Partial<RunLimits>;
  /** Log lines (progress, errors); default console.error. */
  log?: (line: string) => void;
  /** Progress line every N ms (0: none). */
  progressEveryMs?: number;
}

export interface RunResult {
  registry: MetricsRegistry;
  checks: Map<string, { passes: number; fails: number }>;
  thresholds: ThresholdResult[];
  scenarios: ScenarioPlan[];
  options: Record<string, unknown>;
  durationMs: number;
  startedAt: Date;
  errors: Map<string, number>;
  aborted: string | null;
  interrupted: number;
}

interface Vu {
  state: VuState;
  /** This VU's own copy of setup()'s result (parsed once, as k6 gives each VU a copy). */
  data?: unknown;
  controller: AbortController;
  exports: Record<string, unknown>;
  ctx: { iter: number };
}

export async function runScript(config: RunConfig): Promise<RunResult> {
  const log = config.log ?? ((line: string) => console.error(line));
  const limits = { ...DEFAULT_LIMITS, ...config.limits };
  const script: LoadedScript = loadScript(config.script);
  const registry = new MetricsRegistry();
  const builtin = registerBuiltinMetrics(registry);
  const errors = new Map<string, number>();
  let aborted: string | null = null;
  const runAbort = new AbortController();

  const shared: RunShared = {
    registry,
    transport: new HttpTransport(Math.min(limits.maxVUs, 4096)),
    builtin,
    checks: new Map(),
    options: {},
    runStartMs: Date.now(),
    discardResponseBodies: false,
    instance: { vusActive: 0, vusInitialized: 0, iterationsCompleted: 0, iterationsInterrupted: 0 },
    maxRequests: limits.maxRequests,
    requestCount: 0,
    abort(reason) {
      if (aborted === null) {
        aborted = reason;
        log(`ABORTING: ${reason}`);
      }
      runAbort.abort();
    },
  };

  let nextVuId = 1;
  const newVu = (id: number, scenario: ScenarioPlan | null): Vu => {
    const controller = new AbortController();
    // One listener per in-flight request of this VU (http.batch may have hundreds at once).
    setMaxListeners(0, controller.signal);
    const ctx = { iter: 0 };
    const state: VuState = {
      id,
      iter: 0,
      scenario: scenario?.name ?? (id === 0 ? 'setup' : 'default'),
      executor: scenario?.executor ?? '',
      scenarioIteration: 0,
      scenarioStartMs: Date.now(),
      groupPath: '',
      signal: controller.signal,
    };
    const env = { ...config.env, ...(scenario?.env ?? {}) };
    const modules = createModules(shared, state);
    const exports = instantiate(script, modules, env, id, ctx);
    if (id > 0) shared.instance.vusInitialized++;
    return { state, controller, exports, ctx };
  };
  const recordError = (e: unknown) => {
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const n = (errors.get(msg) ?? 0) + 1;
    errors.set(msg, n);
    if (n === 1 && errors.size <= 20) log(`iteration error: ${e instanceof Error ? (e.stack ?? msg) : msg}`);
  };

  // Init: one instance reads options (as k6's first init does) and registers custom metrics.
  const probe = newVu(0, null);
  const options = (probe.exports.options as Record<string, unknown> | undefined) ?? {};
  shared.options = options;
  shared.discardResponseBodies = options.discardResponseBodies === true;
  if (probe.exports.handleSummary !== undefined) {
    throw new Error('handleSummary() is not supported by this runner (it writes its own reports)');
  }
  const scenarios = planScenarios(options);
  prepareThresholds(options.thresholds, registry);
  for (const s of scenarios) {
    if (typeof probe.exports[s.exec] !== 'function') {
      throw new Error(`scenario '${s.name}': the script exports no function '${s.exec}'`);
    }
  }
  const totalVus = scenarios.reduce((a, s) => a + maxVusOf(s), 0);
  if (totalVus > limits.maxVUs)
    throw new Error(`the script needs up to ${totalVus} VUs; the limit is ${limits.maxVUs}`);
  const planned = Math.max(...scenarios.map(plannedDurationMs));
  if (planned > limits.maxDurationMs) {
    throw new Error(`the script runs for ${planned / 1000} s; the limit is ${limits.maxDurationMs / 1000} s`);
  }

  const timed = async <T>(what: string, ms: number, p: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        p,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${what} exceeded ${ms / 1000} s`)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
  const durOpt = (v: unknown, def: number) =>
    typeof v === 'string' ? parseDurationMs(v) : typeof v === 'number' ? v : def;

  const startedAt = new Date();
  const t0 = performance.now();
  shared.runStartMs = Date.now();

  // setup(): its own VU (id 0); its result reaches every VU as a JSON copy, as in k6.
  let dataJson = 'null';
  if (typeof probe.exports.setup === 'function') {
    const setupFn = probe.exports.setup as () => unknown;
    try {
      const result = await timed('setup()', durOpt(options.setupTimeout, 60_000), Promise.resolve(setupFn()));
      dataJson = JSON.stringify(result ?? null);
    } catch (e) {
      // Stop whatever setup still has in flight (a timed-out polling loop), then fail the run.
      probe.controller.abort();
      shared.transport.close();
      throw e;
    }
  }

  let progressTimer: NodeJS.Timeout | undefined;
  if ((config.progressEveryMs ?? 0) > 0) {
    progressTimer = setInterval(() => {
      const elapsed = ((performance.now() - t0) / 1000).toFixed(0);
      const reqs = (builtin.httpReqs.sink as { sum: number }).sum;
      log(
        `  t=${elapsed}s vus=${shared.instance.vusActive} reqs=${reqs} iterations=${shared.instance.iterationsCompleted}` +
          ` dropped=${(builtin.droppedIterations.sink as { sum: number }).sum}`,
      );
    }, config.progressEveryMs);
    progressTimer.unref();
  }
  const vuGauge = setInterval(() => registry.add(builtin.vus, shared.instance.vusActive), 1000);
  vuGauge.unref();

  const runIteration = async (vu: Vu, plan: ScenarioPlan, scenarioIteration: number) => {
    const fn = vu.exports[plan.exec] as (data: unknown) => unknown;
    vu.state.scenarioIteration = scenarioIteration;
    const start = performance.now();
    try {
      if (!('data' in vu)) vu.data = JSON.parse(dataJson);
      await fn(vu.data);
      const took = performance.now() - start;
      registry.add(builtin.iterations, 1, { scenario: plan.name });
      registry.add(builtin.iterationDuration, took, { scenario: plan.name });
      shared.instance.iterationsCompleted++;
    } catch (e) {
      if (e instanceof VuInterrupted || (vu.controller.signal.aborted && !(e instanceof TestAborted))) {
        shared.instance.iterationsInterrupted++;
      } else if (e instanceof TestAborted) {
        // already recorded by shared.abort
      } else {
        // As k6: an iteration that threw still ran to its end (it is logged, and counted like any other).
        recordError(e);
        registry.add(builtin.iterations, 1, { scenario: plan.name });
        registry.add(builtin.iterationDuration, performance.now() - start, { scenario: plan.name });
        shared.instance.iterationsCompleted++;
      }
    } finally {
      vu.state.iter++;
      vu.ctx.iter = vu.state.iter;
    }
  };

  const runScenario = async (plan: ScenarioPlan): Promise<void> => {
    if (plan.startTimeMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, plan.startTimeMs);
        runAbort.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (runAbort.signal.aborted) return;
    const scenarioStart = performance.now();
    const elapsed = () => performance.now() - scenarioStart;
    const vus: Vu[] = [];
    let scenarioIteration = 0;
    const makeVu = () => {
      const vu = newVu(nextVuId++, plan);
      vu.state.scenarioStartMs = Date.now();
      vus.push(vu);
      return vu;
    };
    const stopAll = () => {
      for (const vu of vus) vu.controller.abort();
    };
    const onRunAbort = () => stopAll();
    runAbort.signal.addEventListener('abort', onRunAbort);

    /** Wait for the scenario's end, then give in-flight iterations gracefulStop before interrupting them. */
    const finish = async (running: Set<Promise<void>>) => {
      const grace = setTimeout(stopAll, plan.gracefulStopMs);
      await Promise.all(running);
      clearTimeout(grace);
    };

    try {
      if (plan.executor === 'constant-vus' || plan.executor === 'ramping-vus') {
        // Closed model: each active VU loops over iterations; the controller moves the active count.
        const stagesEnd = plannedDurationMs(plan) - plan.startTimeMs;
        const wanted = new Map<Vu, boolean>();
        const loops = new Map<Vu, Promise<void>>();
        let done = false;
        const loop = async (vu: Vu) => {
          shared.instance.vusActive++;
          try {
            while (wanted.get(vu) && !done && !runAbort.signal.aborted)
              await runIteration(vu, plan, scenarioIteration++);
          } finally {
            shared.instance.vusActive--;
            loops.delete(vu);
          }
        };
        const target = (t: number) =>
          plan.executor === 'constant-vus' ? plan.vus : vusAt(plan.startVUs, plan.stages, t);
        const adjust = () => {
          const n = Math.min(target(elapsed()), limits.maxVUs);
          while (vus.length < n) makeVu();
          vus.forEach((vu, i) => {
            wanted.set(vu, i < n);
            if (i < n && !loops.has(vu)) loops.set(vu, loop(vu));
          });
        };
        adjust();
        await new Promise<void>((resolve) => {
          const tick = setInterval(() => {
            if (elapsed() >= stagesEnd || runAbort.signal.aborted) {
              clearInterval(tick);
              resolve();
              return;
            }
            adjust();
          }, 50);
        });
        done = true;
        await finish(new Set(loops.values()));
      } else if (plan.executor === 'per-vu-iterations' || plan.executor === 'shared-iterations') {
        let remaining = plan.iterations;
        const deadline = setTimeout(stopAll, plan.maxDurationMs);
        const loops = Array.from({ length: plan.vus }, async () => {
          const vu = makeVu();
          shared.instance.vusActive++;
          try {
            let own = plan.executor === 'per-vu-iterations' ? plan.iterations : Number.POSITIVE_INFINITY;
            while (own-- > 0 && !vu.controller.signal.aborted) {
              if (plan.executor === 'shared-iterations' && remaining-- <= 0) break;
              await runIteration(vu, plan, scenarioIteration++);
            }
          } finally {
            shared.instance.vusActive--;
          }
        });
        await Promise.all(loops);
        clearTimeout(deadline);
      } else {
        // Open model: iterations start on schedule whatever the latency; a free VU runs each, or it is dropped.
        const idle: Vu[] = [];
        for (let i = 0; i < plan.preAllocatedVUs; i++) idle.push(makeVu());
        const running = new Set<Promise<void>>();
        const stages =
          plan.executor === 'constant-arrival-rate'
            ? [{ durationMs: plan.durationMs, target: plan.rate }]
            : plan.stages;
        const startRate = plan.executor === 'constant-arrival-rate' ? plan.rate : plan.startRate;
        const end = plannedDurationMs(plan) - plan.startTimeMs;
        let started = 0;
        await new Promise<void>((resolve) => {
          const tick = () => {
            // One clock reading per tick: the tick that sees the end also starts everything due by the end.
            const now = elapsed();
            const t = Math.min(now, end);
            const due = Math.floor(iterationsDueBy(startRate, plan.timeUnitMs, stages, t) + 1e-9);
            while (started < due) {
              started++;
              let vu = idle.pop();
              if (!vu && vus.length < plan.maxVUs) vu = makeVu();
              if (!vu) {
                registry.add(builtin.droppedIterations, 1, { scenario: plan.name });
                continue;
              }
              const v = vu;
              shared.instance.vusActive++;
              const p: Promise<void> = runIteration(v, plan, scenarioIteration++).finally(() => {
                shared.instance.vusActive--;
                running.delete(p);
                idle.push(v);
              });
              running.add(p);
            }
            if (now >= end || runAbort.signal.aborted) resolve();
            else setTimeout(tick, 2);
          };
          tick();
        });
        await finish(running);
      }
    } finally {
      runAbort.signal.removeEventListener('abort', onRunAbort);
    }
  };

  // Hard deadline: whatever happens, nothing runs past plan + grace + 60 s.
  const maxGrace = Math.max(...scenarios.map((s) => s.gracefulStopMs));
  const hardDeadline = setTimeout(
    () => shared.abort('hard deadline reached (planned duration + gracefulStop + 60 s)'),
    planned + maxGrace + 60_000,
  );
  hardDeadline.unref();
  try {
    await Promise.all(scenarios.map(runScenario));
    if (typeof probe.exports.teardown === 'function') {
      const teardownFn = probe.exports.teardown as (d: unknown) => unknown;
      try {
        await timed(
          'teardown()',
          durOpt(options.teardownTimeout, 60_000),
          Promise.resolve(teardownFn(JSON.parse(dataJson))),
        );
      } catch (e) {
        recordError(e);
      }
    }
  } finally {
    clearTimeout(hardDeadline);
    clearInterval(vuGauge);
    if (progressTimer) clearInterval(progressTimer);
    shared.transport.close();
  }
  registry.add(builtin.vusMax, shared.instance.vusInitialized);
  const thresholds = evaluateThresholds(options.thresholds as ThresholdOptions | undefined, registry);
  return {
    registry,
    checks: shared.checks,
    thresholds,
    scenarios,
    options,
    durationMs: performance.now() - t0,
    startedAt,
    errors,
    aborted,
    interrupted: shared.instance.iterationsInterrupted,
  };
}
