import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertPosting } from '../data/ledger';
import type { Direction } from '../domain/order';
import type { GatewayScript } from '../gateways/scripted/script';
import type { Scenario } from './scenario';

/** The connector of every gateway a scenario describes (gateways/scripted/). */
export const SCRIPTED_CONNECTOR = 'scripted-sandbox';

/** Database ids of what a scenario named. */
export interface World {
  merchants: Map<string, { id: string; pipelines: Record<Direction, string> }>;
  gateways: Map<string, string>;
}

/**
 * Writes a scenario's merchants (each with a deposit and a payout pipeline, their routes, opening balances and
 * commissions) and its sandbox gateways, whose scripts run on Temporal's clock from `epochMs` (t+0). Every row is
 * new, so a scenario never sees another's.
 */
export async function createWorld(ds: DataSource, scenario: Scenario, epochMs: number): Promise<World> {
  const run = randomUUID().slice(0, 8);
  const world: World = { merchants: new Map(), gateways: new Map() };
  for (const g of scenario.gateways) {
    const script: GatewayScript = { epochMs, windows: g.windows };
    const settings = { script, ...(g.callbackSecret ? { callbackSecret: g.callbackSecret } : {}) };
    const [row] = (await ds.query(
      `INSERT INTO gateways (code, name, connector, mode, settings) VALUES ($1, $2, $3, 'sandbox', $4) RETURNING id`,
      [`sim-${run}-${g.name}`, g.name, SCRIPTED_CONNECTOR, JSON.stringify(settings)],
    )) as Array<{ id: string }>;
    world.gateways.set(g.name, row!.id);
  }
  for (const m of scenario.merchants) {
    const [merchant] = (await ds.query(`INSERT INTO merchants (name) VALUES ($1) RETURNING id`, [
      `${m.name} (simulation ${run})`,
    ])) as Array<{ id: string }>;
    const merchantId = merchant!.id;
    const pipelines = {} as Record<Direction, string>;
    for (const direction of ['deposit', 'payout'] as const) {
      const [pipeline] = (await ds.query(
        `INSERT INTO pipelines (merchant_id, direction, name) VALUES ($1, $2, 'main') RETURNING id`,
        [merchantId, direction],
      )) as Array<{ id: string }>;
      pipelines[direction] = pipeline!.id;
      for (const [position, gateway] of m.routes[direction].entries()) {
        await ds.query(`INSERT INTO routes (pipeline_id, gateway_id, position) VALUES ($1, $2, $3)`, [
          pipeline!.id,
          world.gateways.get(gateway),
          position + 1,
        ]);
      }
      const commission = m.commissions[direction];
      if (commission) {
        await ds.query(
          `INSERT INTO commissions (merchant_id, direction, currency, percent, fixed_minor) VALUES ($1, $2, $3, $4, $5)`,
          [merchantId, direction, commission.currency, commission.percent, commission.fixedMinor],
        );
      }
    }
    for (const [currency, minor] of Object.entries(m.balancesMinor)) {
      await insertPosting(ds, {
        merchantId,
        mode: 'sandbox',
        currency,
        amountMinor: minor,
        kind: 'simulation_opening_balance',
        orderId: null,
        idempotencyKey: `opening:${merchantId}:${currency}`,
      });
    }
    world.merchants.set(m.name, { id: merchantId, pipelines });
  }
  return world;
}
