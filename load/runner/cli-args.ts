import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS } from './run';

/** Command-line parsing for `npm run load` (kept apart from cli.ts so it can be tested without running). */

const here = path.dirname(fileURLToPath(import.meta.url));
export const loadDir = path.resolve(here, '..');

export const USAGE = `usage: npm run load -- <scenario> [--env KEY=VALUE]... [--duration 30s] [--rate N] [--out DIR] [--no-report]
  scenario: a name in load/scenarios (e.g. seed-dates) or a path to a k6 script
  --env/-e KEY=VALUE  sets __ENV.KEY (API_URL defaults to $API_URL or http://127.0.0.1:3001)
  --duration D        shorthand for --env DURATION=D: a rate scenario's length, or a seed profile's total length
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
