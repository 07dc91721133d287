/**
 * A tiny evaluator for the expressions Inngest puts on triggers (`if`) and on `step.waitForEvent` (`if`, or the
 * `match` shorthand the SDK turns into `event.data.x == async.data.x`). The real server speaks CEL; the local
 * runner supports the subset the product uses: clauses joined by `&&` (or `||`, not mixed), each either
 * `<operand> == <operand>` / `!=` / `<` / `<=` / `>` / `>=`, or a bare operand (truthy). An operand is a dotted
 * path rooted at `event` or `async`, or a literal (single/double-quoted string, number, true/false/null).
 * Anything else throws `UnsupportedExpressionError`, so a function relying on more CEL fails loudly.
 */
export class UnsupportedExpressionError extends Error {
  override readonly name = 'UnsupportedExpressionError';
}

export type Scope = Readonly<Record<string, unknown>>;

const cache = new Map<string, (scope: Scope) => boolean>();

export function evaluateExpression(expression: string, scope: Scope): boolean {
  let compiled = cache.get(expression);
  if (!compiled) {
    compiled = compile(expression);
    if (cache.size > 1_000) cache.clear();
    cache.set(expression, compiled);
  }
  return compiled(scope);
}

function compile(expression: string): (scope: Scope) => boolean {
  const text = expression.trim();
  if (text === '') return () => true;
  const hasAnd = containsOutsideQuotes(text, '&&');
  const hasOr = containsOutsideQuotes(text, '||');
  if (hasAnd && hasOr) throw new UnsupportedExpressionError(`mixed && and || in "${expression}"`);
  const clauses = splitOutsideQuotes(text, hasOr ? '||' : '&&').map(compileClause);
  return hasOr ? (s) => clauses.some((c) => c(s)) : (s) => clauses.every((c) => c(s));
}

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'] as const;

function compileClause(raw: string): (scope: Scope) => boolean {
  const clause = stripParens(raw.trim());
  for (const op of OPERATORS) {
    const parts = splitOutsideQuotes(clause, op);
    if (parts.length === 2) {
      const left = compileOperand(parts[0] as string);
      const right = compileOperand(parts[1] as string);
      return (s) => compare(left(s), op, right(s));
    }
  }
  const single = compileOperand(clause);
  return (s) => Boolean(single(s));
}

function compare(a: unknown, op: (typeof OPERATORS)[number], b: unknown): boolean {
  switch (op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<':
      return (a as number) < (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>':
      return (a as number) > (b as number);
    case '>=':
      return (a as number) >= (b as number);
  }
}

function equal(a: unknown, b: unknown): boolean {
  // Both sides missing is not a match: CEL errors on a missing field, which Inngest treats as "no match".
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function compileOperand(raw: string): (scope: Scope) => unknown {
  const text = stripParens(raw.trim());
  if (/^'.*'$/s.test(text) || /^".*"$/s.test(text)) {
    const value = text.slice(1, -1).replace(/\\(['"\\])/g, '$1');
    return () => value;
  }
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const value = Number(text);
    return () => value;
  }
  if (text === 'true' || text === 'false') {
    const value = text === 'true';
    return () => value;
  }
  if (text === 'null') return () => null;
  if (/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(text)) {
    const path = text.split('.');
    return (scope) => {
      let value: unknown = scope;
      for (const key of path) {
        if (value === null || typeof value !== 'object') return undefined;
        value = (value as Record<string, unknown>)[key];
      }
      return value;
    };
  }
  throw new UnsupportedExpressionError(`unsupported operand "${text}"`);
}

function stripParens(text: string): string {
  return text.startsWith('(') && text.endsWith(')') ? text.slice(1, -1).trim() : text;
}

function containsOutsideQuotes(text: string, token: string): boolean {
  return splitOutsideQuotes(text, token).length > 1;
}

function splitOutsideQuotes(text: string, token: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      continue;
    }
    if (text.startsWith(token, i)) {
      // `<` must not match the start of `<=`, nor `=` inside `==`/`!=`.
      const next = text[i + token.length];
      const prev = text[i - 1];
      if ((token === '<' || token === '>') && next === '=') continue;
      if (token === '==' && (prev === '!' || prev === '<' || prev === '>' || prev === '=')) continue;
      parts.push(text.slice(start, i));
      start = i + token.length;
      i += token.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Evaluates one operand (e.g. a concurrency or singleton `key` like `event.data.userId`) to its value. */
export function evaluateValue(expression: string, scope: Scope): unknown {
  return compileOperand(expression)(scope);
}
