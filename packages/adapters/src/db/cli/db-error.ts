import { parseDatabaseUrl } from '../database';

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
  errors?: unknown[];
}

/**
 * One line a person can act on, for any failure to reach or use the database named by `url`. The password never
 * appears: only host, port, user and database are named.
 */
export function describeDbError(error: unknown, url: string): string {
  let where = 'the database';
  try {
    const p = parseDatabaseUrl(url);
    where = `MySQL at ${p.host}:${p.port} (user "${p.user}", database "${p.database}")`;
  } catch (urlError) {
    // A malformed URL is the whole story.
    return firstLine((urlError as Error).message);
  }
  const e = (error ?? {}) as DriverError;
  // Node reports a refused dual-stack connect as an AggregateError with an empty message: use the first cause.
  const inner = (Array.isArray(e.errors) ? (e.errors[0] as DriverError | undefined) : undefined) ?? e;
  const code = e.code ?? inner.code;
  const unreachable = describeUnreachable(code, where, 'MySQL', 'DATABASE_URL');
  if (unreachable) return unreachable;
  switch (code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return `access denied to ${where}: check the user and password in DATABASE_URL`;
    case 'ER_BAD_DB_ERROR':
    case 'ER_NO_SUCH_TABLE':
      return `${where} has no schema yet: run \`npm run db:migrate\` first`;
    default: {
      const message = e.message || inner.message || String(error);
      return `database error on ${where}: ${firstLine(message)}${code ? ` (${code})` : ''}`;
    }
  }
}

/**
 * The socket-level failures to reach a service, the same for MySQL and Redis: one line naming where (`where`),
 * what to check (`variable`), or undefined when `code` is not one of them.
 */
export function describeUnreachable(
  code: string | undefined,
  where: string,
  service: string,
  variable: string,
): string | undefined {
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${where}: connection refused (is ${service} running? check ${variable})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${where}: unknown host (check ${variable})`;
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot connect to ${where}: ${code} (is the host reachable? check ${variable})`;
    default:
      return undefined;
  }
}

export function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
