import type { RunnerObserver } from '@concert/adapters';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Workflow metrics on /metrics, labelled by function id. Fed by the local runner; in server mode the
 * Inngest server has its own (these stay at zero).
 */
export function createWorkflowMetrics(registry: Registry): RunnerObserver {
  const started = new Counter({
    name: 'workflow_runs_started_total',
    help: 'Workflow runs started',
    labelNames: ['function'],
    registers: [registry],
  });
  const finished = new Counter({
    name: 'workflow_runs_finished_total',
    help: 'Workflow runs finished, by status (completed, failed, cancelled)',
    labelNames: ['function', 'status'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'workflow_step_retries_total',
    help: 'Step (or function request) retries scheduled',
    labelNames: ['function'],
    registers: [registry],
  });
  const steps = new Counter({
    name: 'workflow_steps_executed_total',
    help: 'Step results recorded (step.run, sleeps, waits)',
    labelNames: ['function'],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'workflow_event_to_start_seconds',
    help: 'Delay from the triggering event (or cron tick) to the run starting',
    labelNames: ['function'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'workflow_run_duration_seconds',
    help: 'Run duration from start to end (includes sleeps and waits)',
    labelNames: ['function', 'status'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [registry],
  });
  return {
    runStarted(fn, lagMs) {
      started.inc({ function: fn });
      lag.observe({ function: fn }, Math.max(0, lagMs) / 1000);
    },
    runFinished(fn, status, durationMs) {
      finished.inc({ function: fn, status });
      duration.observe({ function: fn, status }, durationMs / 1000);
    },
    stepRetried(fn) {
      retries.inc({ function: fn });
    },
    stepsExecuted(fn, count) {
      steps.inc({ function: fn }, count);
    },
  };
}
