import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { BUILTIN_MODULES, FACTORY_PARAMS, TransformError, transformK6Script } from './transform';

/**
 * Loads a k6 script and its relative imports, rewrites each with the transform and compiles it once into a
 * factory. `instantiate` runs the factories for one VU: as in k6, every VU has its own copy of module-level
 * state (`let token;` at the top of a script is per VU).
 */

type Factory = (
  importFn: (spec: string) => unknown,
  env: Record<string, string>,
  vuId: number,
  ctx: { iter: number },
) => Record<string, unknown>;

interface CompiledModule {
  file: string;
  factory: Factory;
  /** specifier -> resolved file, for relative imports. */
  deps: Map<string, string>;
  blockingExports: Set<string>;
  exportNames: string[];
}

export interface LoadedScript {
  entry: string;
  modules: Map<string, CompiledModule>;
  /** Transformed source per file, for debugging (`--print-transformed`). */
  transformed: Map<string, string>;
}

export function loadScript(entryFile: string): LoadedScript {
  const modules = new Map<string, CompiledModule>();
  const transformed = new Map<string, string>();
  const loading = new Set<string>();

  const load = (file: string): CompiledModule => {
    const done = modules.get(file);
    if (done) return done;
    if (loading.has(file)) throw new TransformError(`${file}: circular import`);
    loading.add(file);
    const source = readFileSync(file, 'utf8');
    const deps = new Map<string, string>();
    const out = transformK6Script(source, file, (spec) => {
      const target = path.resolve(path.dirname(file), spec);
      deps.set(spec, target);
      return load(target).blockingExports;
    });
    for (const imp of out.imports) {
      if (!BUILTIN_MODULES.has(imp.specifier) && !deps.has(imp.specifier)) {
        deps.set(imp.specifier, path.resolve(path.dirname(file), imp.specifier));
      }
    }
    const factory = vm.compileFunction(out.code, [...FACTORY_PARAMS], { filename: file }) as unknown as Factory;
    const mod: CompiledModule = {
      file,
      factory,
      deps,
      blockingExports: out.blockingExports,
      exportNames: out.exportNames,
    };
    loading.delete(file);
    modules.set(file, mod);
    transformed.set(file, out.code);
    return mod;
  };

  const entry = path.resolve(entryFile);
  load(entry);
  return { entry, modules, transformed };
}

/** Evaluate the script's init code for one VU; returns the entry module's exports. */
export function instantiate(
  script: LoadedScript,
  builtins: Record<string, Record<string, unknown>>,
  env: Record<string, string>,
  vuId: number,
  ctx: { iter: number },
): Record<string, unknown> {
  const cache = new Map<string, Record<string, unknown>>();
  const run = (file: string): Record<string, unknown> => {
    const cached = cache.get(file);
    if (cached) return cached;
    const mod = script.modules.get(file)!;
    const importFn = (spec: string) => {
      const builtin = builtins[spec];
      if (builtin) return builtin;
      const dep = mod.deps.get(spec);
      if (!dep) throw new Error(`${file}: unknown import '${spec}'`);
      return run(dep);
    };
    const exports = mod.factory(importFn, env, vuId, ctx);
    cache.set(file, exports);
    return exports;
  };
  return run(script.entry);
}
