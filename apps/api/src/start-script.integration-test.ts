// `npm start` (scripts/start.mjs) when MySQL and Redis do not answer and Docker is not usable: it must say exactly
// how to start them and exit non-zero, before touching anything. PATH is emptied so no `docker` can be found.
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('npm start without MySQL and Redis', { timeout: 60_000 }, () => {
  it('prints how to start them and exits 1', async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [resolve(ROOT, 'scripts/start.mjs')],
        {
          cwd: ROOT,
          // Nothing listens on port 1; a PATH without docker makes the Docker fallback unavailable.
          env: {
            PATH: '/nonexistent',
            DATABASE_URL: 'mysql://root@127.0.0.1:1/concert',
            REDIS_URL: 'redis://127.0.0.1:1/0',
          },
          timeout: 50_000,
        },
        (error, stdout, stderr) =>
          done({ code: error ? Number(error.code) : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('MySQL and Redis not answering');
    expect(result.stderr).toContain(
      'mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld && start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
    );
    expect(result.stderr).toContain('redis-server --daemonize yes --bind 127.0.0.1 --port 1 --save "" --appendonly no');
    expect(result.stderr).toContain('docker compose up -d mysql redis');
    expect(result.stdout).not.toContain('db:migrate');
  });
});
