import { Router } from 'express';
import type { ApiDependencies } from '../app';

/** Inbound gateway callbacks (being built). Mounted before the JSON parser: signatures cover the raw body. */
export function gatewayCallbacksRouter(_deps: ApiDependencies): Router {
  return Router();
}
