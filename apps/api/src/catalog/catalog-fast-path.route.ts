import type { DomainCode, Result } from '@concert/domain';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Container } from '../container';
import { catalogInputs, datesToWire } from '../trpc/routers/catalog.router';
import { requestContext, sendTrpcData, sendTrpcError, viaTrpc } from '../trpc/trpc-fallback';

type Failure = { code: DomainCode; message?: string };

interface FastRoute<S extends z.ZodType> {
  readonly input: S;
  readonly run: (container: Container, input: z.output<S>) => Promise<Result<unknown, Failure>>;
}

const route = <S extends z.ZodType>(r: FastRoute<S>) => r;

const ROUTES = {
  'catalog.availableDates': route({
    input: catalogInputs.availableDates,
    run: async (c, input) => {
      const result = await c.catalog.availableDates(input.concertId);
      return result.ok ? { ok: true, value: datesToWire(result.value) } : result;
    },
  }),
  'catalog.sections': route({ input: catalogInputs.sections, run: (c, input) => c.catalog.sections(input.scheduleId) }),
  'catalog.availableSeats': route({
    input: catalogInputs.availableSeats,
    run: (c, input) => c.catalog.availableSeats(input),
  }),
};

/**
 * Lean routes for the hot catalog reads, `GET /trpc/catalog.{availableDates,sections,availableSeats}?input=...`:
 * the same wire format as the tRPC procedures byte for byte (same input schemas, same use cases, errors shaped by
 * the router's own errorFormatter with the same HTTP status), without tRPC's Fetch-API machinery, which is most
 * of the cost of a cached read. Only the plain form is served here: batching, invalid input (so tRPC builds the
 * exact zodError) and any unexpected failure (503 mapping, logging) go to the real tRPC handler. Register on the
 * same Fastify instance as the tRPC plugin: static paths win over `/trpc/:path`. Same pattern as queue.status.
 */
export function registerCatalogFastPaths(app: FastifyInstance, container: Container): void {
  for (const [path, r] of Object.entries(ROUTES) as [string, FastRoute<z.ZodType>][]) {
    app.get(`/trpc/${path}`, async (req, reply) => {
      const ctx = requestContext(container, req.headers);
      const query = req.query as Record<string, unknown>;
      if (query.batch !== undefined || typeof query.input !== 'string') return viaTrpc(req, reply, ctx);
      let raw: unknown;
      try {
        raw = JSON.parse(query.input);
      } catch {
        return viaTrpc(req, reply, ctx);
      }
      const parsed = r.input.safeParse(raw);
      if (!parsed.success) return viaTrpc(req, reply, ctx);
      try {
        const result = await r.run(container, parsed.data);
        if (!result.ok) {
          const { code, message = code } = result.error;
          return sendTrpcError(reply, { ctx, path, type: 'query', input: parsed.data }, code, message);
        }
        return sendTrpcData(reply, result.value);
      } catch {
        return viaTrpc(req, reply, ctx);
      }
    });
  }
}
