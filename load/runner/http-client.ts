import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The transport under the `k6/http` shim: node:http with one keep-alive agent per run (k6 reuses connections
 * too). Only plain HTTP to the loopback range is allowed: this harness must never send traffic off the machine.
 */

export class RefusedTargetError extends Error {
  override name = 'RefusedTargetError';
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m?.slice(1).every((p) => Number(p) <= 255) ?? false;
}

/** Throws unless `url` is an http:// URL on the loopback range. Returns the parsed URL. */
export function assertLoopbackUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RefusedTargetError(`invalid URL '${url}'`);
  }
  if (parsed.protocol !== 'http:')
    throw new RefusedTargetError(`refusing ${parsed.protocol} URL '${url}': only http://`);
  if (!isLoopbackHost(parsed.hostname)) {
    throw new RefusedTargetError(`refusing '${parsed.host}': load traffic goes only to 127.0.0.0/8 or ::1`);
  }
  return parsed;
}

export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  discardBody: boolean;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  error: string;
  errorCode: number;
  /** Milliseconds: k6's sending + waiting + receiving (time on an assigned socket). */
  duration: number;
  waiting: number;
  receiving: number;
  blocked: number;
  connecting: number;
  bytesReceived: number;
  bytesSent: number;
}

export class HttpTransport {
  private readonly agent: http.Agent;
  constructor(maxSockets: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  close(): void {
    this.agent.destroy();
  }

  request(req: RawRequest): Promise<RawResponse> {
    const url = assertLoopbackUrl(req.url);
    const t0 = performance.now();
    return new Promise<RawResponse>((resolve) => {
      let tSocket = t0;
      let tReady = t0;
      let tFirstByte = 0;
      let settled = false;
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
      let headerBytes = req.method.length + url.pathname.length + url.search.length + 32 + url.host.length;
      for (const [k, v] of Object.entries(headers)) headerBytes += k.length + v.length + 4;
      const finish = (res: Partial<RawResponse>) => {
        if (settled) return;
        settled = true;
        const now = performance.now();
        resolve({
          status: 0,
          headers: {},
          body: null,
          error: '',
          errorCode: 0,
          duration: now - tReady,
          waiting: tFirstByte ? tFirstByte - tReady : 0,
          receiving: tFirstByte ? now - tFirstByte : 0,
          blocked: tSocket - t0,
          connecting: tReady - tSocket,
          bytesReceived: 0,
          // Request line + headers + body: an estimate of the bytes written (k6 counts the wire bytes).
          bytesSent: headerBytes + (req.body ? Buffer.byteLength(req.body) : 0),
          ...res,
        });
      };
      const cr = http.request(
        {
          agent: this.agent,
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || 80,
          path: url.pathname + url.search,
          method: req.method,
          headers,
          signal: req.signal,
        },
        (res) => {
          tFirstByte = performance.now();
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (!req.discardBody) chunks.push(c);
          });
          res.on('end', () => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
            finish({
              status: res.statusCode ?? 0,
              headers: h,
              body: req.discardBody ? null : Buffer.concat(chunks).toString('utf8'),
              bytesReceived: size,
            });
          });
          res.on('error', (e) => finish({ error: e.message, errorCode: 1000 }));
        },
      );
      cr.setTimeout(req.timeoutMs, () => {
        cr.destroy(new Error(`request timeout after ${req.timeoutMs} ms`));
      });
      cr.on('socket', (socket) => {
        tSocket = performance.now();
        tReady = tSocket;
        if (socket.connecting) socket.once('connect', () => (tReady = performance.now()));
      });
      cr.on('error', (e: NodeJS.ErrnoException) => {
        const timeout = e.message.startsWith('request timeout');
        finish({ error: e.message, errorCode: timeout ? 1050 : e.code === 'ECONNREFUSED' ? 1212 : 1000 });
      });
      if (req.body !== undefined) cr.end(req.body);
      else cr.end();
    });
  }
}
