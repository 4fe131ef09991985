import { Router } from 'express';
import type { ApiDependencies } from '../app';

/** Deposit and withdrawal orders: create and status (being built). */
export function ordersRouter(_deps: ApiDependencies): Router {
  return Router();
}
