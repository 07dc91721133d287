import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { instantiate, loadScript } from './script-loader';
import { FACTORY_PARAMS, TransformError, transformK6Script } from './transform';

/** Compile transformed code with fake modules that log calls; returns the exports. */
function run(source: string, env: Record<string, string> = {}, ctx = { iter: 0 }) {
  const { code } = transformK6Script(source, 'script.js');
  const log: string[] = [];
  const later = <T>(v: T) => new Promise<T>((r) => setTimeout(() => r(v), 1));
  const http = {
    get: (url: string) => {
      log.push(`get ${url}`);
      return later({ status: 200, url, json: () => ({ token: 'tok' }) });
    },
    post: (url: string, body: string) => {
      log.push(`post ${url} ${body}`);
      return later({ status: 201, url, json: () => ({ token: 'tok' }) });
    },
    batch: (reqs: string[]) => later(reqs.map((u) => ({ status: 200, url: u }))),
  };
  const modules: Record<string, Record<string, unknown>> = {
    'k6/http': { ...http, default: http },
    k6: {
      sleep: (s: number) => {
        log.push(`sleep ${s}`);
        return later(undefined);
      },
      group: async (name: string, fn: () => unknown) => {
        log.push(`group ${name}`);
        return await fn();
      },
      check: (v: unknown, sets: Record<string, (v: unknown) => boolean>) => Object.values(sets).every((f) => f(v)),
    },
    'k6/metrics': {},
    'k6/execution': { default: { scenario: { iterationInTest: 7 } } },
  };
  const factory = vm.compileFunction(code, [...FACTORY_PARAMS], { filename: 'script.js' });
  const exports = factory((s: string) => modules[s], env, 3, ctx) as Record<string, unknown>;
  return { exports, log, code };
}

describe('transformK6Script', () => {
  it('awaits http calls, sleep, group and local helpers, so a synchronous k6 script runs in order', async () => {
    const { exports, log } = run(
      `
import http from 'k6/http';
import { check, sleep, group } from 'k6';
export const options = { vus: 1 };
let token = null;
function signIn(base) {
  return http.post(base + '/signin', JSON.stringify({ userId: __VU })).json().token;
}
const fetchStatus = (u) => http.get(u).status;
export default function () {
  if (!token) token = signIn(__ENV.BASE);
  const s = fetchStatus(__ENV.BASE + '/a?i=' + __ITER);
  group('g', function () { http.get(__ENV.BASE + '/in-group'); });
  check(s, { ok: (v) => v === 200 });
  sleep(0.5);
  return token + ':' + s;
}
`,
      { BASE: 'http://127.0.0.1' },
    );
    expect(exports.options).toEqual({ vus: 1 });
    const result = await (exports.default as () => Promise<string>)();
    expect(result).toBe('tok:200');
    expect(log).toEqual([
      'post http://127.0.0.1/signin {"userId":3}',
      'get http://127.0.0.1/a?i=0',
      'group g',
      'get http://127.0.0.1/in-group',
      'sleep 0.5',
    ]);
  });

  it('reads __ITER through the runner context, so it changes between iterations', async () => {
    const ctx = { iter: 0 };
    const { exports } = run('export default function () { return __ITER; }', {}, ctx);
    expect(await (exports.default as () => number)()).toBe(0);
    ctx.iter = 5;
    expect(await (exports.default as () => number)()).toBe(5);
  });

  it('keeps every statement on its original line (stack traces point at the script)', () => {
    const source = `import http from 'k6/http';
import {
  sleep,
} from 'k6';
export default function () {
  http.get('http://127.0.0.1/');
  throw new Error('here');
}`;
    const { code } = transformK6Script(source, 'script.js');
    const lines = code.split('\n');
    expect(lines[5]).toContain("(await http.get('http://127.0.0.1/'))");
    expect(lines[6]).toContain("throw new Error('here')");
  });

  it('supports named imports from k6/http, namespace imports and anonymous default exports', async () => {
    const named = run(`import { get } from 'k6/http';
export default function () { return get('http://127.0.0.1/x').status; }`);
    expect(await (named.exports.default as () => Promise<number>)()).toBe(200);
    const ns = run(`import * as h from 'k6/http';
export default () => h.get('http://127.0.0.1/y').url;`);
    expect(await (ns.exports.default as () => Promise<string>)()).toBe('http://127.0.0.1/y');
    const batch = run(`import http from 'k6/http';
export default function () { return http.batch(['a', 'b']).length; }`);
    expect(await (batch.exports.default as () => Promise<number>)()).toBe(2);
  });

  it('does not touch synchronous code, and leaves check callbacks synchronous', () => {
    const { code } = transformK6Script(
      `import { check } from 'k6';
export function helper(x) { return [x].map((v) => v + 1); }
export default function () { check(1, { one: (v) => v === 1 }); }`,
      's.js',
    );
    expect(code).not.toContain('async');
    expect(code).not.toContain('await');
  });

  it('reports which exports block, so importing modules await them', () => {
    const out = transformK6Script(
      `import http from 'k6/http';
export function call() { return http.get('http://127.0.0.1/'); }
export function pure() { return 1; }
function hidden() { return call(); }
export { hidden as wrapped };`,
      'lib.js',
    );
    expect([...out.blockingExports].sort()).toEqual(['call', 'wrapped']);
  });

  const refuses = (source: string, message: RegExp) => {
    expect(() => transformK6Script(source, 's.js')).toThrow(TransformError);
    expect(() => transformK6Script(source, 's.js')).toThrow(message);
  };

  it('refuses blocking calls in init code', () => {
    refuses(`import http from 'k6/http';\nconst r = http.get('http://127.0.0.1/');`, /s\.js:2: .*init code/);
  });

  it('refuses blocking callbacks it cannot await (forEach, setTimeout) with the line number', () => {
    refuses(
      `import http from 'k6/http';
export default function () {
  [1, 2].forEach((i) => http.get('http://127.0.0.1/' + i));
}`,
      /s\.js:3: .*passed as a callback/,
    );
  });

  it('refuses a blocking helper used as a value', () => {
    refuses(
      `import { sleep } from 'k6';
function pause() { sleep(1); }
export default function () { const f = pause; f(); }`,
      /'pause' .* only be called directly/,
    );
  });

  it('refuses unsupported modules and remote imports', () => {
    refuses(`import ws from 'k6/ws';`, /module 'k6\/ws' is not supported/);
    refuses(`import { x } from 'https://jslib.k6.io/x.js';`, /only k6 built-ins/);
  });

  it('refuses blocking methods and generators', () => {
    refuses(
      `import http from 'k6/http';
const api = { call() { return http.get('http://127.0.0.1/'); } };
export default function () {}`,
      /methods/,
    );
    refuses(`export default function* () { yield 1; }`, /generators/);
  });

  it('reports syntax errors with the line', () => {
    refuses(`export default function () {\n  let = ;\n}`, /s\.js:2: syntax error/);
  });
});

describe('loadScript', () => {
  it('resolves relative imports and awaits the blocking helpers they export; module state is per VU', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'k6-load-'));
    writeFileSync(
      path.join(dir, 'lib.js'),
      `import http from 'k6/http';
export const BASE = __ENV.BASE;
export function call(p) { return http.get(BASE + p).status; }`,
    );
    writeFileSync(
      path.join(dir, 'main.js'),
      `import { call } from './lib.js';
let calls = 0;
export default function () { calls++; return call('/z') + calls; }`,
    );
    const script = loadScript(path.join(dir, 'main.js'));
    const http = { get: async () => ({ status: 200 }) };
    const builtins = { 'k6/http': { ...http, default: http } };
    const vu1 = instantiate(script, builtins, { BASE: 'http://127.0.0.1' }, 1, { iter: 0 });
    const vu2 = instantiate(script, builtins, { BASE: 'http://127.0.0.1' }, 2, { iter: 0 });
    const run1 = vu1.default as () => Promise<number>;
    expect(await run1()).toBe(201);
    expect(await run1()).toBe(202);
    expect(await (vu2.default as () => Promise<number>)()).toBe(201);
  });

  it('refuses circular imports', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'k6-load-'));
    writeFileSync(path.join(dir, 'a.js'), `import { b } from './b.js';\nexport const a = 1;`);
    writeFileSync(path.join(dir, 'b.js'), `import { a } from './a.js';\nexport const b = 1;`);
    expect(() => loadScript(path.join(dir, 'a.js'))).toThrow(/circular import/);
  });
});
