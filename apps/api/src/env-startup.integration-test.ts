// A bad configuration value stops the real API process before it binds a port, with one line naming the variable.
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const MAIN = resolve(ROOT, 'apps/api/src/main.ts');

function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(
      TSX,
      [MAIN],
      { cwd: ROOT, env: { ...process.env, API_HOST: '127.0.0.1', API_PORT: '0', ...env }, timeout: 60_000 },
      (error, _stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr: String(stderr) }),
    );
  });
}

describe('API start-up with a bad configuration value', { timeout: 120_000 }, () => {
  it.each([
    ['API_PORT', 'not-a-port'],
    ['DATABASE_URL', 'postgres://127.0.0.1/concert'],
  ])('stops with exit 1 and one line naming %s', async (name, value) => {
    const { code, stderr } = await start({ [name]: value });
    expect(code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid ${name}=`));
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
