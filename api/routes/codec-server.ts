import { timingSafeEqual } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { EncryptionCodec } from '../../infra/temporal/payload-codec';
import { adminAuth } from '../admin/auth';
import type { ApiDependencies } from '../app';
import { HttpError } from '../errors';

/**
 * Temporal's remote codec protocol, so the Temporal Web UI (and `temporal workflow show --codec-endpoint`) can
 * show an operator decoded payloads: POST `<endpoint>/decode` and `<endpoint>/encode` with
 * `{"payloads":[{"metadata":{"encoding":"<base64>"},"data":"<base64>"}]}`, answered in the same shape.
 *
 * Endpoint `/codec`: an operator's key (or ADMIN_KEY) as `Authorization: Bearer …`; 401 without. The Web UI
 * sends that header when it runs with its own login and `passAccessToken` (docs/temporal-web-ui.md).
 * Endpoint `/codec/t/<CODEC_URL_TOKEN>`: for a UI that cannot send a header (the CLI dev server of `npm start`),
 * the token is the credential; unset, that endpoint does not exist. Logs show `/codec/t/***`.
 *
 * Browsers may call it from the origins in CODEC_CORS_ORIGINS only.
 */

const PayloadJson = z.object({
  metadata: z.record(z.string(), z.string()).optional(),
  data: z.string().optional(),
});
const PayloadsBody = z.object({ payloads: z.array(PayloadJson).max(1000) });

const fromJson = (p: z.infer<typeof PayloadJson>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** A codec URL token in a path, for log lines. */
export const redactCodecToken = (path: string): string => path.replace(/^\/codec\/t\/[^/]+/, '/codec/t/***');

export function codecServerRouter(deps: ApiDependencies & { codecUrlToken?: string | undefined }): Router {
  const router = Router();
  const codec = new EncryptionCodec(deps.keyring);
  const origins = new Set(deps.codecCorsOrigins ?? []);

  // CORS first: a browser's preflight carries no credentials and must be answered before authentication.
  router.use('/codec', (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (origin && origins.has(origin)) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Namespace',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Max-Age': '600',
      });
    }
    res.vary('Origin');
    res.set('Cache-Control', 'no-store');
    if (req.method === 'OPTIONS') {
      res.status(origin && origins.has(origin) ? 204 : 403).end();
      return;
    }
    next();
  });

  const handle = (direction: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const parsed = PayloadsBody.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, 'VALIDATION_FAILED', 'expected {"payloads":[…]}');
    const payloads = parsed.data.payloads.map(fromJson);
    let out: Payload[];
    try {
      out = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    } catch {
      throw new HttpError(400, 'UNDECODABLE', 'a payload does not decode under any key of this keyring');
    }
    res.json({ payloads: out.map(toJson) });
  };

  const json = express.json({ limit: '4mb' });
  const operator = adminAuth(deps.dataSource, deps.adminKey);
  router.post('/codec/encode', operator, json, handle('encode'));
  router.post('/codec/decode', operator, json, handle('decode'));

  const token = deps.codecUrlToken ? Buffer.from(deps.codecUrlToken) : null;
  const byToken = (req: Request, _res: Response, next: NextFunction) => {
    const given = Buffer.from(String(req.params.token));
    if (!token || given.length !== token.length || !timingSafeEqual(given, token)) {
      throw new HttpError(401, 'UNAUTHORIZED', 'not a valid codec endpoint');
    }
    next();
  };
  router.post('/codec/t/:token/encode', byToken, json, handle('encode'));
  router.post('/codec/t/:token/decode', byToken, json, handle('decode'));
  return router;
}
