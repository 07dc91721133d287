import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertLoopbackUrl } from './http-client';
import { textSummary, writeReports } from './report';
import { DEFAULT_LIMITS, runScript } from './run';
import { loadScript } from './script-loader';

/**
 * `npm run load -- <scenario|path.js> [--env KEY=VALUE]... [-e KEY=VALUE]... [--duration 30s] [--rate N]
 *   [--out DIR] [--no-report] [--print-transformed]`
 * Plays a k6 script with this runner (see docs/load.md). Exit codes follow k6: 0 ok, 99 thresholds failed,
 * 108 aborted, 1 any other error.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const loadDir = path.resolve(here, '..');

const USAGE = `usage: npm run load -- <scenario> [--env KEY=VALUE]... [--duration 30s] [--rate N] [--out DIR] [--no-report]
  scenario: a name in load/scenarios (e.g. seed-dates) or a path to a k6 script
  --env/-e KEY=VALUE  sets __ENV.KEY (API_URL defaults to $API_URL or http://127.0.0.1:3001)
  --duration D        shorthand for --env DURATION=D (scenarios read it; seed profiles read STAGE for stage length)
  --rate N            shorthand for --env RATE=N
  --print-transformed print the script as rewritten for this runner and exit
limits (env): LOAD_MAX_VUS (${DEFAULT_LIMITS.maxVUs}), LOAD_MAX_DURATION_S (${DEFAULT_LIMITS.maxDurationMs / 1000}), LOAD_MAX_REQUESTS (${DEFAULT_LIMITS.maxRequests})`;

export interface CliArgs {
  scenario: string;
  env: Record<string, string>;
  outDir: string;
  report: boolean;
  printTransformed: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const env: Record<string, string> = {};
  let scenario: string | undefined;
  let outDir = path.join(loadDir, 'reports');
  let report = true;
  let printTransformed = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--env' || a === '-e') {
      const kv = value();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`${a} expects KEY=VALUE, got '${kv}'`);
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a.startsWith('--env=')) {
      const kv = a.slice(6);
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--env expects KEY=VALUE, got '${kv}'`);
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === '--duration') env.DURATION = value();
    else if (a === '--rate') env.RATE = value();
    else if (a === '--out') outDir = path.resolve(value());
    else if (a === '--no-report') report = false;
    else if (a === '--print-transformed') printTransformed = true;
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (scenario === undefined) scenario = a;
    else throw new Error(`unexpected argument ${a}\n${USAGE}`);
  }
  if (!scenario) throw new Error(USAGE);
  return { scenario, env, outDir, report, printTransformed };
}

export function resolveScenario(name: string): { file: string; name: string } {
  const candidates = [
    path.resolve(name),
    path.join(loadDir, 'scenarios', name),
    path.join(loadDir, 'scenarios', `${name}.js`),
  ];
  const file = candidates.find((c) => existsSync(c) && c.endsWith('.js'));
  if (!file) throw new Error(`no scenario '${name}' (looked in ${path.join(loadDir, 'scenarios')})`);
  return { file, name: path.basename(file, '.js') };
}

const intEnv = (name: string, def: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
};

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

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
