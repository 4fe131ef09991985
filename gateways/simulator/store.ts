import { randomUUID } from 'node:crypto';
import { paymentView, type PaymentView, type StoredPayment } from '../sandbox/protocol';
import type { SandboxScenario } from '../sandbox/scenarios';

/** A payment the simulated PSP holds, with the counters that make its faults deterministic. */
export interface SimulatedPayment extends StoredPayment {
  scenario: SandboxScenario;
  /** Wall-clock creation time (ms); the simulator's own clock, as a remote PSP has one. */
  createdAtMs: number;
  statusChecks: number;
}

/**
 * The simulator's memory: payments by id and by idempotency key, and creates counted per key whether or not a
 * payment was stored. It lives as long as the simulator: a stand-in for a remote PSP, not for the engine's data.
 */
export class SimulatorStore {
  private readonly byId = new Map<string, SimulatedPayment>();
  private readonly byKey = new Map<string, SimulatedPayment>();
  private readonly creates = new Map<string, number>();

  /** Counts a create for its key and returns its number (1-based). */
  countCreate(idempotencyKey: string): number {
    const n = (this.creates.get(idempotencyKey) ?? 0) + 1;
    this.creates.set(idempotencyKey, n);
    return n;
  }

  /** Stores a payment unless the key has one; returns the key's payment and whether this call created it. */
  store(
    fields: Omit<StoredPayment, 'id'>,
    scenario: SandboxScenario,
    nowMs: number,
  ): { payment: SimulatedPayment; created: boolean } {
    const existing = this.byKey.get(fields.idempotencyKey);
    if (existing) return { payment: existing, created: false };
    const payment: SimulatedPayment = {
      ...fields,
      id: `pay_${randomUUID()}`,
      scenario,
      createdAtMs: nowMs,
      statusChecks: 0,
    };
    this.byId.set(payment.id, payment);
    this.byKey.set(payment.idempotencyKey, payment);
    return { payment, created: true };
  }

  /** The payment with this id or idempotency key. */
  find(by: { id: string } | { idempotencyKey: string }): SimulatedPayment | undefined {
    return 'id' in by ? this.byId.get(by.id) : this.byKey.get(by.idempotencyKey);
  }

  /** Every payment as the PSP would show it now. */
  list(nowMs: number, timeScale: number): PaymentView[] {
    return [...this.byId.values()].map((p) => viewAt(p, nowMs, timeScale));
  }
}

/** A payment's view at `nowMs`; `timeScale` simulated ms pass per real ms, so long pendings settle in tests. */
export function viewAt(p: SimulatedPayment, nowMs: number, timeScale: number): PaymentView {
  const pending = p.scenario.pendingForMs;
  const resolved = pending !== null && (nowMs - p.createdAtMs) * timeScale >= pending;
  return paymentView(p, p.scenario, resolved ? 'final' : 'pending');
}
