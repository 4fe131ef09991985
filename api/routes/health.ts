import type { Connection } from '@temporalio/client';
import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { openApiRegistry } from '../openapi';

const Check = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  error: z.string().optional(),
});
const Health = openApiRegistry.register(
  'Health',
  z.object({ status: z.enum(['ok', 'unavailable']), checks: z.object({ postgres: Check, temporal: Check }) }),
);
type Check = z.infer<typeof Check>;

openApiRegistry.registerPath({
  method: 'get',
  path: '/health',
  summary: 'State of PostgreSQL and Temporal',
  responses: {
    200: { description: 'Every dependency is up', content: { 'application/json': { schema: Health } } },
    503: { description: 'A dependency is down', content: { 'application/json': { schema: Health } } },
  },
});

const TIMEOUT_MS = 2_000;

async function probe(run: () => Promise<unknown>): Promise<Check> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS)),
      ),
    ]);
    return { status: 'up', latencyMs: Date.now() - started };
  } catch (err) {
    return { status: 'down', latencyMs: Date.now() - started, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /health`: 200 when PostgreSQL and Temporal both answer, 503 otherwise. */
export function healthRouter(deps: { dataSource: DataSource; temporalProbe: Connection }): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [postgres, temporal] = await Promise.all([
      probe(() => deps.dataSource.query('SELECT 1')),
      probe(() =>
        deps.temporalProbe.withDeadline(Date.now() + TIMEOUT_MS, () =>
          deps.temporalProbe.workflowService.getSystemInfo({}),
        ),
      ),
    ]);
    const ok = postgres.status === 'up' && temporal.status === 'up';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: { postgres, temporal } });
  });
  return router;
}
