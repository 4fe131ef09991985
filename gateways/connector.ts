import type { HistoryCode } from '../domain/history-codes';
import type { Direction } from '../domain/order';
import type { GatewayEntity } from '../entities/gateway.entity';

/** What the engine asks a gateway to do. The idempotency key is stable across activity retries. */
export interface GatewayPaymentRequest {
  idempotencyKey: string;
  orderId: string;
  direction: Direction;
  amountMinor: number;
  currency: string;
}

/**
 * A gateway's answer, already mapped to a history code by the connector. A decline is data, not an exception;
 * connectors throw only for technical failures, which the activity's retry policy handles.
 */
export type GatewayOutcome =
  | { status: 'pending' | 'success'; gatewayRef: string; code: HistoryCode }
  | { status: 'failed'; gatewayRef?: string; code: HistoryCode };

/** Call context: the gateway's configuration, and the clock to use (Temporal's, so time-skipping works). */
export interface GatewayCallContext {
  gateway: GatewayEntity;
  now: Date;
}

/** One kind of gateway integration. Each connector maps its raw answers to history codes. */
export interface GatewayConnector {
  readonly name: string;
  create(request: GatewayPaymentRequest, ctx: GatewayCallContext): Promise<GatewayOutcome>;
  status(gatewayRef: string, ctx: GatewayCallContext): Promise<GatewayOutcome>;
}

/** Connectors by name, as stored in `gateways.connector`. */
export class GatewayRegistry {
  private readonly connectors = new Map<string, GatewayConnector>();

  constructor(connectors: GatewayConnector[]) {
    for (const c of connectors) this.connectors.set(c.name, c);
  }

  /** The connector for a gateway row; throws for a connector nobody registered. */
  get(name: string): GatewayConnector {
    const connector = this.connectors.get(name);
    if (!connector) throw new Error(`no gateway connector named "${name}"`);
    return connector;
  }
}
