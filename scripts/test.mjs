#!/usr/bin/env node
// `npm test`: every check and every test, in the order that fails fastest. Ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const only = process.argv.slice(2); // e.g. `npm test -- vitest` runs one stage
const reportDir = 'test-results';
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;

function run(name, command, args, env = {}) {
  if (only.length && !only.includes(name)) return true;
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  console.log(
    `=== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return ok;
}

function check(name, command, args) {
  const ok = run(name, command, args);
  if (only.length && !only.includes(name)) return;
  if (ok) passed += 1;
  else failed += 1;
}

check('lint', 'npx', ['biome', 'check', '.']);
check('architecture', 'npx', ['depcruise', 'apps', 'packages', 'load', '--config', '.dependency-cruiser.cjs']);
check('typecheck', 'npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']);

// Unit, integration, workflow and API tests: one vitest run over every project.
const vitestOk = run('vitest', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportDir}/vitest.json`,
]);
if (!only.length || only.includes('vitest')) {
  const counted = countVitest(`${reportDir}/vitest.json`);
  if (!vitestOk && counted.failed === 0) failed += 1; // crashed before reporting
}

// End-to-end tests in real Chromium.
const e2eOk = run('e2e', 'npx', ['playwright', 'test', '--config', 'apps/web/playwright.config.ts'], {
  // Resolved against the config's folder otherwise: give it an absolute path.
  PLAYWRIGHT_JSON_OUTPUT_NAME: resolve(reportDir, 'playwright.json'),
});
if (!only.length || only.includes('e2e')) {
  const counted = countPlaywright(resolve(reportDir, 'playwright.json'));
  if (!e2eOk && counted.failed === 0) failed += 1;
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);

function countVitest(file) {
  if (!existsSync(file)) return { failed: 0 };
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return { failed: report.numFailedTests ?? 0 };
}

function countPlaywright(file) {
  if (!existsSync(file)) return { failed: 0 };
  const stats = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  failed += stats.unexpected ?? 0;
  skipped += stats.skipped ?? 0;
  return { failed: stats.unexpected ?? 0 };
}
