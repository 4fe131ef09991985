/**
 * Orders of the truth model that the scenario format cannot express (a cancellation, a stray callback), kept as
 * replay fixtures by `npm run record-histories -- --truth-model`.
 */
import { gatewayModel, type FuzzCase } from './model';

const HOUR = 3_600_000;

export const TRUTH_MODEL_FIXTURES: Record<string, FuzzCase> = {
  'deposit-cancelled-in-flight': {
    direction: 'deposit',
    amountMinor: 100_00,
    gateways: [gatewayModel({ pendingMs: 2 * HOUR })],
    cancelAfterMs: 60_000,
  },
  'payout-cancelled-idle': {
    direction: 'payout',
    amountMinor: 100_00,
    gateways: [gatewayModel({ createFaults: ['refused', 'refused', 'refused'] }), gatewayModel()],
    cancelAfterMs: 1_000,
  },
  'deposit-5xx-checked-stray-callback': {
    direction: 'deposit',
    amountMinor: 100_00,
    gateways: [
      gatewayModel({ createFaults: ['5xx-after'], pendingMs: 5 * 60_000, final: { kind: 'failed', reason: null } }),
      gatewayModel({ pendingMs: HOUR, callback: 'at-final', final: { kind: 'success', settledPercent: 92 } }),
    ],
    cancelAfterMs: null,
  },
};
