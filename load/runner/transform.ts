import ts from 'typescript';

/**
 * Turns a synchronous k6 script module into the body of an async factory function that Node can run with many
 * virtual users in one event loop.
 *
 * k6 scripts block: `http.get()` returns a response, `sleep()` pauses the VU. Here every blocking call becomes
 * `(await call)` and every function that (transitively) contains one becomes `async`. The rewrite works on the
 * TypeScript parser's AST (not on regular expressions), keeps every line where it was (so stack traces point at
 * the script's own lines) and refuses, with the line number, anything it cannot rewrite faithfully: a blocking
 * call in init code, or a blocking function passed around as a value (`arr.forEach(() => http.get(...))`).
 *
 * Output contract: `code` is a function body for `vm.compileFunction(code, FACTORY_PARAMS)`; it resolves imports
 * through `__import(specifier)`, reads `__ENV`/`__VU` as parameters and `__ITER` through `__k6ctx.iter`, and
 * returns an object of the module's exports.
 */

export const FACTORY_PARAMS = ['__import', '__ENV', '__VU', '__k6ctx'] as const;

/** Built-in k6 modules this runner provides. Anything else under `k6/` or any URL import is refused. */
export const BUILTIN_MODULES = new Set(['k6', 'k6/http', 'k6/metrics', 'k6/execution']);

/** Methods of `k6/http` that block in k6 (and so are awaited here). `asyncRequest` already returns a promise. */
export const HTTP_BLOCKING = new Set(['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'batch']);
/** Functions of `k6` that block: `sleep`, and `group` because its callback may block. */
export const K6_BLOCKING = new Set(['sleep', 'group']);

export class TransformError extends Error {
  override name = 'TransformError';
}

export interface ImportInfo {
  specifier: string;
  line: number;
}

export interface TransformOutput {
  code: string;
  imports: ImportInfo[];
  /** Exported names whose value is a blocking function: importers must await calls to them. */
  blockingExports: Set<string>;
  exportNames: string[];
}

interface Edit {
  pos: number;
  end: number;
  text: string;
  /** At one position: closing parens (0) come before removals (1) and openings (2). */
  rank: number;
}

type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.ConstructorDeclaration;

function isFunctionNode(node: ts.Node): node is FunctionNode {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node)
  );
}

/**
 * @param resolveBlockingExports for a relative import, the blocking exports of that module (already transformed).
 */
export function transformK6Script(
  source: string,
  fileName: string,
  resolveBlockingExports: (specifier: string) => Set<string> = () => new Set(),
): TransformOutput {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const diagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const fail = (pos: number, message: string): never => {
    throw new TransformError(`${fileName}:${lineOf(pos)}: ${message}`);
  };
  const firstDiagnostic = diagnostics[0];
  if (firstDiagnostic) {
    fail(firstDiagnostic.start, `syntax error: ${ts.flattenDiagnosticMessageText(firstDiagnostic.messageText, '\n')}`);
  }

  const edits: Edit[] = [];
  const imports: ImportInfo[] = [];
  /** Exported name -> local binding. */
  const exportMap = new Map<string, string>();
  /** Local names that are blocking when called directly: `sleep`, `get` from k6/http, helpers from lib modules. */
  const blockingNames = new Set<string>();
  /** Local namespace/default bindings whose listed members block when called: `http.get`, `k6.sleep`. */
  const blockingMembers = new Map<string, Set<string>>();
  /** Local names bound to k6's `group`, whose callback argument may block. */
  const groupLocals = new Set<string>();

  const replaceKeepingLines = (node: ts.Node, text: string) => {
    const original = source.slice(node.getStart(sf), node.end);
    const newlines = original.split('\n').length - 1;
    edits.push({ pos: node.getStart(sf), end: node.end, text: text + '\n'.repeat(newlines), rank: 1 });
  };
  const removeModifiers = (node: ts.Node) => {
    for (const mod of ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []) {
      if (mod.kind === ts.SyntaxKind.ExportKeyword || mod.kind === ts.SyntaxKind.DefaultKeyword) {
        edits.push({ pos: mod.getStart(sf), end: mod.end, text: '', rank: 1 });
      }
    }
  };
  const hasModifier = (node: ts.Node, kind: ts.SyntaxKind) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);

  // Pass 1: imports and exports (top level only, as ES modules require).
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt)) {
      const spec = (stmt.moduleSpecifier as ts.StringLiteral).text;
      const line = lineOf(stmt.getStart(sf));
      if (spec.startsWith('k6')) {
        if (!BUILTIN_MODULES.has(spec)) fail(stmt.getStart(sf), `module '${spec}' is not supported by this runner`);
      } else if (!spec.startsWith('./') && !spec.startsWith('../')) {
        fail(stmt.getStart(sf), `import '${spec}': only k6 built-ins and relative './x.js' modules are supported`);
      }
      imports.push({ specifier: spec, line });
      const clause = stmt.importClause;
      const lib = spec === 'k6/http' ? HTTP_BLOCKING : spec === 'k6' ? K6_BLOCKING : undefined;
      const libBlocking = lib ?? (spec.startsWith('.') ? resolveBlockingExports(spec) : new Set<string>());
      const mod = `__import(${JSON.stringify(spec)})`;
      if (!clause) {
        replaceKeepingLines(stmt, `${mod};`);
        continue;
      }
      if (clause.isTypeOnly) fail(stmt.getStart(sf), 'type-only imports are not JavaScript');
      const parts: string[] = [];
      if (clause.name) {
        parts.push(`const ${clause.name.text} = ${mod}.default;`);
        // k6/http's default export is the object with get/post/...; a lib module's default may be a function.
        if (lib) blockingMembers.set(clause.name.text, lib);
        else if (libBlocking.has('default')) blockingNames.add(clause.name.text);
      }
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        parts.push(`const ${bindings.name.text} = ${mod};`);
        blockingMembers.set(bindings.name.text, libBlocking);
      } else if (bindings && ts.isNamedImports(bindings)) {
        const names = bindings.elements.map((el) => {
          const imported = (el.propertyName ?? el.name).text;
          if (libBlocking.has(imported)) blockingNames.add(el.name.text);
          if (spec === 'k6' && imported === 'group') groupLocals.add(el.name.text);
          return el.propertyName ? `${imported}: ${el.name.text}` : el.name.text;
        });
        parts.push(`const { ${names.join(', ')} } = ${mod};`);
      }
      replaceKeepingLines(stmt, parts.join(' '));
    } else if (ts.isExportDeclaration(stmt)) {
      if (stmt.moduleSpecifier || !stmt.exportClause || !ts.isNamedExports(stmt.exportClause)) {
        fail(stmt.getStart(sf), 're-exports (`export ... from`) are not supported');
      }
      for (const el of (stmt.exportClause as ts.NamedExports).elements) {
        exportMap.set(el.name.text, (el.propertyName ?? el.name).text);
      }
      replaceKeepingLines(stmt, '');
    } else if (ts.isExportAssignment(stmt)) {
      // `export default <expr>`
      edits.push({ pos: stmt.getStart(sf), end: stmt.expression.getStart(sf), text: 'const __k6_default = ', rank: 1 });
      exportMap.set('default', '__k6_default');
    } else if (hasModifier(stmt, ts.SyntaxKind.ExportKeyword)) {
      if (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) {
        const isDefault = hasModifier(stmt, ts.SyntaxKind.DefaultKeyword);
        let local = stmt.name?.text;
        if (!local) {
          local = '__k6_default';
          const keyword = ts.isFunctionDeclaration(stmt)
            ? stmt.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.FunctionKeyword)
            : stmt.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.ClassKeyword);
          if (ts.isFunctionDeclaration(stmt) && stmt.asteriskToken)
            fail(stmt.getStart(sf), 'generators are not supported');
          const after = ts.isFunctionDeclaration(stmt) && stmt.asteriskToken ? stmt.asteriskToken.end : keyword!.end;
          edits.push({ pos: after, end: after, text: ' __k6_default', rank: 2 });
        }
        exportMap.set(isDefault ? 'default' : local, local);
        removeModifiers(stmt);
      } else if (ts.isVariableStatement(stmt)) {
        for (const decl of stmt.declarationList.declarations) {
          if (!ts.isIdentifier(decl.name)) fail(decl.getStart(sf), 'destructuring exports are not supported');
          exportMap.set((decl.name as ts.Identifier).text, (decl.name as ts.Identifier).text);
        }
        removeModifiers(stmt);
      } else {
        fail(stmt.getStart(sf), 'unsupported export form');
      }
    }
  }

  // Pass 2: find functions, name them, and find blocking calls; iterate to a fixpoint over local helpers.
  const functions: FunctionNode[] = [];
  const calls: ts.CallExpression[] = [];
  const identifiers: ts.Identifier[] = [];
  const visit = (node: ts.Node) => {
    if (isFunctionNode(node)) functions.push(node);
    else if (ts.isCallExpression(node)) calls.push(node);
    else if (ts.isIdentifier(node)) identifiers.push(node);
    else if (ts.isAwaitExpression(node) || ts.isYieldExpression(node)) {
      // `await http.asyncRequest(...)` is valid k6; allow await, refuse generators.
      if (ts.isYieldExpression(node)) fail(node.getStart(sf), 'generators are not supported');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  const functionName = (fn: FunctionNode): string | undefined => {
    if (ts.isFunctionDeclaration(fn)) return fn.name?.text ?? (exportMap.get('default') ? '__k6_default' : undefined);
    const parent = fn.parent;
    if (ts.isVariableDeclaration(parent) && parent.initializer === fn && ts.isIdentifier(parent.name)) {
      return parent.name.text;
    }
    if (ts.isExportAssignment(parent)) return '__k6_default';
    return undefined;
  };
  const enclosingFunction = (node: ts.Node): FunctionNode | undefined => {
    let cur = node.parent;
    while (cur && !isFunctionNode(cur)) cur = cur.parent;
    return cur;
  };
  const calleeBlocking = (call: ts.CallExpression): boolean => {
    const callee = call.expression;
    if (ts.isIdentifier(callee)) return blockingNames.has(callee.text);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      return blockingMembers.get(callee.expression.text)?.has(callee.name.text) ?? false;
    }
    return false;
  };
  const isGroupCall = (call: ts.CallExpression): boolean => {
    const callee = call.expression;
    if (ts.isIdentifier(callee)) return groupLocals.has(callee.text);
    return (
      ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      callee.name.text === 'group' &&
      blockingMembers.get(callee.expression.text) === K6_BLOCKING
    );
  };

  const blockingFunctions = new Set<FunctionNode>();
  const blockingCalls = new Set<ts.CallExpression>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const call of calls) {
      if (blockingCalls.has(call) || !calleeBlocking(call)) continue;
      blockingCalls.add(call);
      changed = true;
      const fn = enclosingFunction(call);
      if (!fn) fail(call.getStart(sf), `'${call.expression.getText(sf)}(...)' blocks and is not allowed in init code`);
      else if (!blockingFunctions.has(fn)) {
        blockingFunctions.add(fn);
        const name = functionName(fn);
        if (name) blockingNames.add(name);
      }
    }
  }

  // Validate that every blocking function is only ever called directly (so each call can be awaited).
  const blockingLocalNames = new Set<string>();
  for (const fn of blockingFunctions) {
    const name = functionName(fn);
    if ((ts.isFunctionExpression(fn) || ts.isFunctionDeclaration(fn)) && fn.asteriskToken) {
      fail(fn.getStart(sf), 'generators are not supported');
    }
    if (!ts.isFunctionDeclaration(fn) && !ts.isFunctionExpression(fn) && !ts.isArrowFunction(fn)) {
      fail(fn.getStart(sf), 'methods, accessors and constructors that make HTTP requests or sleep are not supported');
    }
    if (name) {
      blockingLocalNames.add(name);
      continue;
    }
    const parent = fn.parent;
    if (ts.isCallExpression(parent) && parent.arguments.includes(fn as ts.Expression) && isGroupCall(parent)) continue;
    fail(
      fn.getStart(sf),
      'a function that makes HTTP requests or sleeps is passed as a callback; this runner can only await direct ' +
        'calls (use a for...of loop, or a named function called directly)',
    );
  }
  for (const id of identifiers) {
    if (!blockingLocalNames.has(id.text)) continue;
    const parent = id.parent;
    if (ts.isCallExpression(parent) && parent.expression === id) continue;
    if ((ts.isFunctionDeclaration(parent) || ts.isVariableDeclaration(parent)) && parent.name === id) continue;
    if (ts.isExportSpecifier(parent) || ts.isImportSpecifier(parent) || ts.isImportClause(parent)) continue;
    if (ts.isCallExpression(parent) && isGroupCall(parent)) continue;
    fail(
      id.getStart(sf),
      `'${id.text}' makes HTTP requests or sleeps and can only be called directly, not used as a value`,
    );
  }

  for (const call of blockingCalls) {
    edits.push({ pos: call.getStart(sf), end: call.getStart(sf), text: '(await ', rank: 2 });
    edits.push({ pos: call.end, end: call.end, text: ')', rank: 0 });
  }
  for (const fn of blockingFunctions) {
    if (hasModifier(fn, ts.SyntaxKind.AsyncKeyword)) continue;
    if (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) {
      const keyword = fn.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.FunctionKeyword)!;
      edits.push({ pos: keyword.getStart(sf), end: keyword.getStart(sf), text: 'async ', rank: 2 });
    } else if (ts.isArrowFunction(fn)) {
      edits.push({ pos: fn.getStart(sf), end: fn.getStart(sf), text: 'async ', rank: 2 });
    } else {
      fail(fn.getStart(sf), 'methods, accessors and constructors that make HTTP requests or sleep are not supported');
    }
  }
  for (const id of identifiers) {
    if (id.text === '__ITER') edits.push({ pos: id.getStart(sf), end: id.end, text: '__k6ctx.iter', rank: 1 });
    if (id.text === '__k6ctx' || id.text === '__import')
      fail(id.getStart(sf), `'${id.text}' is reserved by the runner`);
  }

  edits.sort((a, b) => a.pos - b.pos || a.rank - b.rank);
  let out = '';
  let cursor = 0;
  for (const edit of edits) {
    if (edit.pos < cursor) fail(edit.pos, 'internal error: overlapping rewrites');
    out += source.slice(cursor, edit.pos) + edit.text;
    cursor = edit.end;
  }
  out += source.slice(cursor);

  const exportEntries = [...exportMap].map(([name, local]) => `${JSON.stringify(name)}: ${local}`);
  const code = `'use strict';${out}\n;return { ${exportEntries.join(', ')} };\n`;

  const blockingExports = new Set<string>();
  for (const [name, local] of exportMap) if (blockingNames.has(local)) blockingExports.add(name);
  return { code, imports, blockingExports, exportNames: [...exportMap.keys()] };
}
