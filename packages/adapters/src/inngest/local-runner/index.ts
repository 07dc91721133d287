export { type CronSchedule, parseCron } from './cron';
export { evaluateExpression, evaluateValue, UnsupportedExpressionError } from './expression';
export {
  functionConfigs,
  type InngestFetchHandler,
  type InProcessCall,
  type InProcessHandler,
  type InProcessReply,
  LocalRunner,
  type LocalRunnerOptions,
  parseDuration,
  type RunnerObserver,
  type RunStatus,
  type RunSummary,
} from './local-runner';
export { type IncomingEvent, LOCAL_INNGEST_ORIGIN, type LocalInngestApi, LocalInngestTransport } from './transport';
