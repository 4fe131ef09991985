import type {
  AmountUpdatePolicy,
  CallbackVerification,
  CreateOutcome,
  GatewayPaymentRequest,
  RawGatewayCallback,
  StatusOutcome,
} from '../domain/gateway-contract';
import type { ReasonKey } from '../domain/history-codes';
import type { GatewayEntity } from '../entities/gateway.entity';

export type {
  AmountUpdatePolicy,
  CallbackVerification,
  CreateOutcome,
  GatewayPaymentRequest,
  RawGatewayCallback,
  StatusOutcome,
};

/** Call context: the gateway's configuration, and the clock to use (Temporal's, so time-skipping works). */
export interface GatewayCallContext {
  gateway: GatewayEntity;
  now: Date;
}

/** How a status check names the payment: by the gateway's reference, or by idempotency key when there is none yet. */
export interface GatewayStatusQuery {
  gatewayRef?: string;
  idempotencyKey: string;
  /**
   * The workflow's time when it asked (ISO). A check run as a local activity (the lean order shape) has the worker's
   * clock as its attempt's scheduled time; in a time-skipping test that is not the order's time.
   */
  at?: string;
}

/**
 * One kind of gateway integration. Each connector maps its gateway's raw answers and network faults to outcomes
 * with history codes; it throws only for programming or configuration errors, never for what a gateway answered.
 */
export interface GatewayConnector {
  readonly name: string;
  /**
   * Whether a live gateway may use this connector. Simulators that "pay" anything (the in-process sandbox) are
   * sandbox-only: the admin API refuses them for live gateways, routing never picks them for a live order, and the
   * gateway activities and callback verification refuse a live gateway row that names one. Absent: sandbox-only.
   */
  readonly liveAllowed?: boolean;
  /** Whether and how far its callbacks may change an order's amount; absent: never. */
  readonly amountUpdates?: AmountUpdatePolicy;
  /**
   * The built-in answer table: the PSP's decline codes → our reason (null: a decline without one). Operators may
   * override rows through the admin API (gateways/answer-overrides.ts); the override wins on the next attempt.
   */
  readonly answers?: Readonly<Record<string, ReasonKey | null>>;
  create(req: GatewayPaymentRequest, ctx: GatewayCallContext): Promise<CreateOutcome>;
  status(query: GatewayStatusQuery, ctx: GatewayCallContext): Promise<StatusOutcome>;
  verifyCallback(raw: RawGatewayCallback, ctx: GatewayCallContext): Promise<CallbackVerification>;
  /** Throws a GatewayMisconfiguredError for settings this connector could not use, so operators hear it at once. */
  checkSettings?(settings: Record<string, unknown>): void;
}

/** A gateway row whose settings its connector cannot use; the activity reports it as non-retryable. */
export class GatewayMisconfiguredError extends Error {
  override readonly name = 'GatewayMisconfiguredError';
}

/** A gateway's settings parsed by its connector's schema, or a GatewayMisconfiguredError naming the bad fields (never their values). */
export function parseGatewaySettings<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[] }> } };
  },
  gateway: Pick<GatewayEntity, 'id' | 'settings'>,
  what = 'settings',
): T {
  const parsed = schema.safeParse(gateway.settings ?? {});
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => i.path.map(String).join('.') || '(root)').join(', ');
  throw new GatewayMisconfiguredError(`gateway ${gateway.id}: invalid ${what} ${fields}`);
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

  /** The names a gateway row may use in `connector`. */
  names(): string[] {
    return [...this.connectors.keys()];
  }

  /** The connector for a gateway row, refusing a live row whose connector is sandbox-only. */
  forGateway(gateway: Pick<GatewayEntity, 'id' | 'mode' | 'connector'>): GatewayConnector {
    const connector = this.get(gateway.connector);
    if (gateway.mode === 'live' && !connector.liveAllowed) {
      throw new GatewayMisconfiguredError(
        `gateway ${gateway.id} is live but its connector "${connector.name}" is for sandbox gateways only`,
      );
    }
    return connector;
  }
}
