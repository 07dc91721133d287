import path from 'node:path';
import { loadDir, parseArgs, resolveScenario } from './cli-args';
import { assertLoopbackUrl, HttpTransport } from './http-client';
import { textSummary, writeReports } from './report';
import { DEFAULT_LIMITS, runScript } from './run';
import { loadScript } from './script-loader';

/**
 * `npm run load -- <scenario|path.js> [--env KEY=VALUE]... [-e KEY=VALUE]... [--duration 30s] [--rate N]
 *   [--out DIR] [--no-report] [--print-transformed]`
 * Plays a k6 script with this runner (see docs/load.md). Exit codes follow k6: 0 ok, 99 thresholds failed,
 * 108 aborted, 1 any other error.
 */

const intEnv = (name: string, def: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
};

/** Fail fast, with a hint, when nothing listens at API_URL (any HTTP answer will do). */
async function preflight(apiUrl: string): Promise<void> {
  const transport = new HttpTransport(1);
  try {
    const res = await transport.request({
      method: 'GET',
      url: new URL('/health', apiUrl).toString(),
      headers: {},
      timeoutMs: 5000,
      discardBody: true,
    });
    if (res.status === 0) {
      throw new Error(`no API answers at ${apiUrl} (${res.error}); start it with \`npm run api\` or set API_URL`);
    }
  } finally {
    transport.close();
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const { file, name } = resolveScenario(args.scenario);
  if (args.printTransformed) {
    for (const [f, code] of loadScript(file).transformed) console.log(`// ${f}\n${code}`);
    return 0;
  }
  // k6 exposes the system environment as __ENV too; explicit --env wins.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.API_URL = env.API_URL || 'http://127.0.0.1:3001';
  Object.assign(env, args.env);
  assertLoopbackUrl(env.API_URL!);

  await preflight(env.API_URL!);
  console.error(`running ${name} (${path.relative(process.cwd(), file)}) against ${env.API_URL}`);
  const result = await runScript({
    script: file,
    env,
    progressEveryMs: 10_000,
    limits: {
      maxVUs: intEnv('LOAD_MAX_VUS', DEFAULT_LIMITS.maxVUs),
      maxDurationMs: intEnv('LOAD_MAX_DURATION_S', DEFAULT_LIMITS.maxDurationMs / 1000) * 1000,
      maxRequests: intEnv('LOAD_MAX_REQUESTS', DEFAULT_LIMITS.maxRequests),
    },
  });
  console.log(`\n${textSummary(result)}\n`);
  if (args.report) {
    const meta: Record<string, string> = {
      script: path.relative(loadDir, file),
      API_URL: env.API_URL!,
      env: Object.entries(args.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      runner: `concert load runner (node ${process.version}); no k6 on this machine`,
    };
    const { json, md } = writeReports(name, result, meta, args.outDir, path.join(loadDir, 'baselines'));
    console.log(`reports: ${path.relative(process.cwd(), md)}\n         ${path.relative(process.cwd(), json)}`);
  }
  if (result.aborted) return 108;
  if (result.thresholds.some((t) => !t.ok)) return 99;
  return 0;
}

// Exit explicitly: a run is bounded, and nothing it may have left behind (a hung request) may keep it alive.
main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
