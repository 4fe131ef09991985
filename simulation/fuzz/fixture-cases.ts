/**
 * Orders of the truth model that the scenario format cannot express (a cancellation, a stray callback), kept as
 * replay fixtures by `npm run record-histories -- --truth-model`.
 */
import type { FuzzCase, GatewayModel } from './model';

const HOUR = 3_600_000;

const gateway = (model: Partial<GatewayModel> = {}): GatewayModel => ({
  createFaults: [],
  answer: { kind: 'pending' },
  pendingMs: 10 * 60_000,
  final: { kind: 'success', settledPercent: 100 },
  failingChecks: 0,
  callback: 'none',
  callbackDelayMs: 0,
  ...model,
});

export const TRUTH_MODEL_FIXTURES: Record<string, FuzzCase> = {
  'deposit-cancelled-in-flight': {
    direction: 'deposit',
    amountMinor: 100_00,
    gateways: [gateway({ pendingMs: 2 * HOUR })],
    cancelAfterMs: 60_000,
  },
  'payout-cancelled-idle': {
    direction: 'payout',
    amountMinor: 100_00,
    gateways: [gateway({ createFaults: ['refused', 'refused', 'refused'] }), gateway()],
    cancelAfterMs: 1_000,
  },
  'deposit-5xx-checked-stray-callback': {
    direction: 'deposit',
    amountMinor: 100_00,
    gateways: [
      gateway({ createFaults: ['5xx-after'], pendingMs: 5 * 60_000, final: { kind: 'failed', reason: null } }),
      gateway({ pendingMs: HOUR, callback: 'at-final', final: { kind: 'success', settledPercent: 80 } }),
    ],
    cancelAfterMs: null,
  },
};
