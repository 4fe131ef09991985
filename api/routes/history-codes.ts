import { Router } from 'express';

/** The history code catalog as JSON (being built). */
export function historyCodesRouter(): Router {
  return Router();
}
