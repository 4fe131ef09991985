import type { ReasonKey } from '../../domain/history-codes';

/**
 * What a scripted sandbox gateway does, by time: a list of windows on the clock of a simulation, each with a
 * behaviour (down, the sandbox table, or payments that follow a script). Plain data, kept in the gateway row's
 * `settings.script`, so the connector needs nothing but the row and Temporal's clock to answer.
 */

/** How a gateway that is down fails every call: what a client sees when nothing answers, or a 5xx, or silence. */
export type Outage = 'connection-refused' | 'server-unavailable' | 'timeout';

/** Where a scripted payment ends up once it stops being pending. */
export type ScriptedOutcome =
  { status: 'success'; settledPercent?: number } | { status: 'failed'; reason: ReasonKey | null };

/** The callback the gateway sends about a scripted payment. */
export interface ScriptedCallback {
  /** A properly signed callback with the payment's state, or one broken on purpose. */
  variant: 'final' | 'invalid-signature' | 'invalid-payload';
  /** Time after the create; null: when the payment resolves. */
  afterMs: number | null;
}

/** How one payment created under a `payments` behaviour goes. */
export interface PaymentScript {
  /** The answer to the create: accepted as pending, paid at once, or declined (with `declineReason`). */
  create: 'pending' | 'paid' | 'declined';
  declineReason: ReasonKey | null;
  /** How long the payment stays pending after the create; null: for ever. */
  pendingForMs: number | null;
  outcome: ScriptedOutcome;
  /** null: the gateway never calls back, only status checks find out. */
  callback: ScriptedCallback | null;
}

/** What a gateway does during one window. */
export type GatewayBehaviour =
  /** Every create and every status check fails the outage's way. */
  | { kind: 'down'; outage: Outage }
  /** The in-process sandbox decides: the amount's scenario (`scenario: null`) or the named one. */
  | { kind: 'sandbox'; scenario: string | null }
  /** Payments created in the window follow the script, whatever the amount. */
  | { kind: 'payments'; payment: PaymentScript };

/** One window, in ms since the script's epoch; `untilMs` null: open-ended. */
export interface ScriptWindow {
  fromMs: number;
  untilMs: number | null;
  behaviour: GatewayBehaviour;
}

/** A gateway's script: `epochMs` is the simulation's t+0 on Temporal's clock. */
export interface GatewayScript {
  epochMs: number;
  windows: ScriptWindow[];
}

/** Outside every window a scripted gateway is a plain sandbox gateway: the amount chooses the scenario. */
export const DEFAULT_BEHAVIOUR: GatewayBehaviour = { kind: 'sandbox', scenario: null };

/** The behaviour in force at `now`: the first window that contains it, else the default. */
export function behaviourAt(script: GatewayScript, now: Date): GatewayBehaviour {
  const t = now.getTime() - script.epochMs;
  const window = script.windows.find((w) => t >= w.fromMs && (w.untilMs === null || t < w.untilMs));
  return window?.behaviour ?? DEFAULT_BEHAVIOUR;
}
