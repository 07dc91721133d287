// docker-compose.yml cannot run on this machine, so this test keeps it honest: its services, ports and variables
// must agree with the code's defaults (env.ts, the web app's start script), and the API's environment in it
// must be one that env.ts accepts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEnv } from './env';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
const defaults = parseEnv({});

interface Service {
  image?: string;
  build?: { context: string; target?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string | string[] };
  depends_on?: Record<string, { condition: string }>;
}
interface Compose {
  services: Record<string, Service>;
}

/** Resolves `${VAR:-default}` the way Compose does when VAR is unset. */
function interpolate(value: string | number | boolean): string {
  return String(value).replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_m, _name, fallback: string | undefined) => {
    return fallback ?? '';
  });
}

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function env(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
}

/** `"HOST:CONTAINER"` pairs, interpolated. */
function ports(name: string): Array<{ host: number; container: number }> {
  return (service(name).ports ?? []).map((p) => {
    const [host, container] = interpolate(p).split(':').map(Number);
    return { host: host!, container: container! };
  });
}

function commandOf(name: string): string[] {
  const command = service(name).command ?? [];
  return Array.isArray(command) ? command.map(String) : command.split(/\s+/);
}

/** Every variable env.ts reads, from its schema's source: a typo in the compose file would otherwise pass silently. */
function knownVariables(): Set<string> {
  const source = readFileSync(resolve(ROOT, 'apps/api/src/env.ts'), 'utf8');
  const schema = source.slice(source.indexOf('const EnvSchema'), source.indexOf('export type Env'));
  return new Set([...schema.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!));
}

describe('docker-compose.yml', () => {
  it('has the services of the design, each with a healthcheck', () => {
    for (const name of ['mysql', 'redis', 'inngest', 'api', 'web']) {
      expect(service(name).healthcheck?.test, `${name} healthcheck`).toBeTruthy();
    }
    expect(service('mysql').image).toMatch(/^mysql:8\.4(\.|$)/);
    expect(service('redis').image).toMatch(/^redis:7(\.|$)/);
    // The waiting room is Redis state: it must survive a restart of the container.
    expect(commandOf('redis').join(' ')).toContain('--appendonly yes');
    expect(service('redis').volumes).toContain('redis-data:/data');
    expect(service('inngest').image).toMatch(/^inngest\/inngest(:|$)/);
    expect(commandOf('inngest').slice(0, 2)).toEqual(['inngest', 'start']);
  });

  it('publishes MySQL and Redis where the default DATABASE_URL and REDIS_URL look for them', () => {
    // So `docker compose up -d mysql redis` (what `npm start` runs) gives exactly what the defaults expect.
    const db = new URL(defaults.DATABASE_URL);
    const redis = new URL(defaults.REDIS_URL);
    expect(['127.0.0.1', 'localhost']).toContain(db.hostname);
    expect(ports('mysql')).toContainEqual({ host: Number(db.port), container: 3306 });
    expect(ports('redis')).toContainEqual({ host: Number(redis.port), container: 6379 });
    expect(env('mysql').MYSQL_DATABASE).toBe(db.pathname.slice(1));
    // The default URL has no password: the container must accept root without one, from other containers too.
    expect(db.password).toBe('');
    expect(env('mysql').MYSQL_ALLOW_EMPTY_PASSWORD).toBe('yes');
    expect(env('mysql').MYSQL_ROOT_HOST).toBe('%');
  });

  it('gives the API an environment env.ts accepts, naming only variables it knows', () => {
    const apiEnv = env('api');
    const known = knownVariables();
    expect(known.size).toBeGreaterThan(20);
    expect(Object.keys(apiEnv).filter((k) => !known.has(k))).toEqual([]);
    const parsed = parseEnv(apiEnv);
    expect(parsed.INNGEST_MODE).toBe('server');
    expect(parsed.NODE_ENV).toBe('production');
    expect(parsed.API_HOST).toBe('0.0.0.0');
  });

  it('points the API at the compose services on the default ports and database', () => {
    const apiEnv = parseEnv(env('api'));
    const db = new URL(apiEnv.DATABASE_URL);
    const defaultDb = new URL(defaults.DATABASE_URL);
    expect(db.hostname).toBe('mysql');
    expect(db.port || '3306').toBe(defaultDb.port);
    expect(db.pathname).toBe(defaultDb.pathname);
    expect(db.username).toBe(defaultDb.username);
    const redis = new URL(apiEnv.REDIS_URL);
    const defaultRedis = new URL(defaults.REDIS_URL);
    expect(redis.hostname).toBe('redis');
    expect(redis.port).toBe(defaultRedis.port);
    expect(redis.pathname).toBe(defaultRedis.pathname);

    expect(apiEnv.API_PORT).toBe(defaults.API_PORT);
    expect(ports('api')).toEqual([{ host: defaults.API_PORT, container: apiEnv.API_PORT }]);
    for (const dependency of ['mysql', 'redis', 'setup'])
      expect(Object.keys(service('api').depends_on ?? {})).toContain(dependency);
    expect(service('api').depends_on?.setup?.condition).toBe('service_completed_successfully');
  });

  it('wires the API and the Inngest server to each other with the same keys', () => {
    const apiEnv = parseEnv(env('api'));
    const base = new URL(apiEnv.INNGEST_BASE_URL!);
    expect(base.hostname).toBe('inngest');
    const inngestCommand = commandOf('inngest');
    const inngestPort = Number(inngestCommand[inngestCommand.indexOf('--port') + 1] ?? 8288);
    expect(Number(base.port)).toBe(inngestPort);
    expect(ports('inngest').map((p) => p.container)).toContain(inngestPort);

    // The server calls the API's serve endpoint on the API's own port.
    const sdkUrl = new URL(inngestCommand[inngestCommand.indexOf('--sdk-url') + 1]!);
    expect(sdkUrl.hostname).toBe('api');
    expect(Number(sdkUrl.port)).toBe(apiEnv.API_PORT);
    expect(sdkUrl.pathname).toBe('/api/inngest');
    expect(new URL(apiEnv.INNGEST_SERVE_ORIGIN!).host).toBe(sdkUrl.host);

    const inngestEnv = env('inngest');
    expect(inngestEnv.INNGEST_SIGNING_KEY).toBe(apiEnv.INNGEST_SIGNING_KEY);
    expect(inngestEnv.INNGEST_EVENT_KEY).toBe(apiEnv.INNGEST_EVENT_KEY);
    // Inngest takes a hexadecimal signing key.
    expect(inngestEnv.INNGEST_SIGNING_KEY).toMatch(/^([0-9a-f]{2})+$/);
    for (const flag of ['--postgres-uri', '--redis-uri']) {
      const uri = new URL(inngestCommand[inngestCommand.indexOf(flag) + 1]!);
      expect(Object.keys(compose.services)).toContain(uri.hostname);
    }
  });

  it('serves the web app on WEB_PORT and tells the browser where the API is', () => {
    const webStart = JSON.parse(readFileSync(resolve(ROOT, 'apps/web/package.json'), 'utf8')).scripts.start as string;
    const defaultWebPort = Number(/\$\{WEB_PORT:-(\d+)\}/.exec(webStart)?.[1]);
    expect(defaultWebPort).toBe(3000);
    const webEnv = env('web');
    expect(Number(webEnv.WEB_PORT)).toBe(defaultWebPort);
    expect(ports('web')).toEqual([{ host: defaultWebPort, container: defaultWebPort }]);
    const apiUrl = new URL(webEnv.NEXT_PUBLIC_API_URL!);
    expect(['localhost', '127.0.0.1']).toContain(apiUrl.hostname);
    expect(Number(apiUrl.port)).toBe(ports('api')[0]!.host);
  });

  it('builds api and web from Dockerfile targets that exist', () => {
    for (const name of ['api', 'web', 'setup']) {
      const target = service(name).build?.target;
      expect(target, name).toBeTruthy();
      expect(dockerfile).toMatch(new RegExp(`^FROM .+ AS ${target}$`, 'm'));
      expect(existsSync(resolve(ROOT, service(name).build!.context))).toBe(true);
    }
    expect(commandOf('setup').join(' ')).toMatch(/npm run db:migrate && npm run db:seed -- --if-empty/);
  });

  it('copies every workspace manifest before `npm ci`, so the install layer matches the lockfile', () => {
    const workspaces = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).workspaces as string[];
    const dirs = workspaces.flatMap((pattern) =>
      pattern.endsWith('/*')
        ? readdirSync(resolve(ROOT, pattern.slice(0, -2)), { withFileTypes: true })
            .filter((d) => d.isDirectory() && existsSync(resolve(ROOT, pattern.slice(0, -2), d.name, 'package.json')))
            .map((d) => `${pattern.slice(0, -2)}/${d.name}`)
        : [pattern],
    );
    expect(dirs.length).toBeGreaterThanOrEqual(5);
    const beforeInstall = dockerfile.slice(0, dockerfile.indexOf('RUN npm ci'));
    for (const dir of dirs) expect(beforeInstall, dir).toContain(`COPY ${dir}/package.json ${dir}/`);
  });
});
