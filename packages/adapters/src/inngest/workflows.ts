import type { InngestFunction } from 'inngest';
import type { Redis } from 'ioredis';
import type { AppInngest } from './client';
import {
  type InngestFetchHandler,
  LocalRunner,
  type LocalRunnerOptions,
  type RunnerObserver,
  type RunSummary,
} from './local-runner/local-runner';
import type { LocalInngestTransport } from './local-runner/transport';
import { createInngestHandler, createInProcessHandler } from './serve';

/** What the API host needs from the workflow machinery, the same shape in both modes. */
export interface Workflows {
  readonly mode: 'local' | 'server';
  /** The /api/inngest handler, built on first use from the functions registered by then. */
  handler(): InngestFetchHandler;
  /** Local mode: starts the in-process runner. Server mode: nothing (the Inngest server drives us). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Recent runs for the admin dashboard; server mode has them in the Inngest UI instead (empty list here). */
  listRuns(limit?: number): Promise<RunSummary[]>;
  /** Local mode only. */
  readonly runner: LocalRunner | undefined;
}

export interface WorkflowsConfig {
  readonly mode: 'local' | 'server';
  readonly inngest: AppInngest;
  readonly functions: readonly InngestFunction.Any[];
  readonly redis: Redis;
  /** Required in local mode: the same transport the client was created with. */
  readonly transport?: LocalInngestTransport;
  readonly serveOrigin?: string;
  readonly observer?: RunnerObserver;
  readonly runner?: Partial<Omit<LocalRunnerOptions, 'inngest' | 'redis' | 'transport' | 'functions' | 'handler'>>;
}

export function createWorkflows(config: WorkflowsConfig): Workflows {
  let handler: InngestFetchHandler | undefined;
  const getHandler = () => {
    handler ??= createInngestHandler(config.inngest, config.functions, { serveOrigin: config.serveOrigin });
    return handler;
  };
  let runner: LocalRunner | undefined;
  if (config.mode === 'local') {
    if (!config.transport) throw new Error('local workflow mode needs the client transport');
    runner = new LocalRunner({
      ...config.runner,
      inngest: config.inngest,
      redis: config.redis,
      transport: config.transport,
      functions: () => config.functions,
      handler: () => createInProcessHandler(config.inngest, config.functions),
      ...(config.observer ? { observer: config.observer } : {}),
    });
  }
  return {
    mode: config.mode,
    handler: getHandler,
    runner,
    async start() {
      await runner?.start();
    },
    async stop() {
      await runner?.stop();
    },
    async listRuns(limit = 50) {
      return runner ? runner.listRuns(limit) : [];
    },
  };
}
