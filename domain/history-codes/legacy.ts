/**
 * The legacy `X.Y.Z.W` codes of `orderHistory[].action`, both ways. Seed 001 is the reference mapping; what seed
 * 002 lists and 001 does not map is decided here, as data. Pure TypeScript: workflows import it.
 */
import {
  getHistoryCode,
  HISTORY_CODES,
  type HistoryCode,
  type HistoryCodeDefinition,
  type LegacyCode,
  type PaymentStatus,
} from './catalog';

/**
 * Y of an extension's action, as seed 002 defines it: the status after the event (0 non-final, 1 success,
 * 2 failure) — not the v2 event class, so an old parser reads the payment's state from it as before.
 */
export const LEGACY_Y_BY_STATUS = {
  created: 0,
  processing: 0,
  success: 1,
  failed: 2,
} as const satisfies Record<PaymentStatus, number>;

/**
 * Z of every extension's action: neither seed uses a Z above 3, so 9 cannot collide with a code a partner saw.
 * X is the v2 actor digit (the merchant callback is 6 as in seed 001, not seed 002's 7) and W counts 1, 2, ... per
 * X.Y in the order extensions were added, never renumbered.
 */
export const EXTENSION_ACTION_Z = 9;

interface DecisionBase {
  /** The concrete legacy code (a 002 pattern such as 5.X.1.0 is decided per value of X). */
  readonly legacy: LegacyCode;
  /** The line as seed 002 prints it, pattern included. */
  readonly listedAs: string;
  /** Seed 002's description of the line. */
  readonly description002: string;
  readonly why: string;
}

/** A written decision for a code seed 002 lists and seed 001 does not map. */
export type Legacy002Decision =
  | (DecisionBase & { readonly decision: 'alias'; readonly code: HistoryCode })
  | (DecisionBase & { readonly decision: 'not emitted' });

/**
 * Every code of seed 002 that seed 001 does not map. 'alias': `fromLegacy` reads it as the v2 code, and the engine
 * emits that code's own action instead. 'not emitted': neither read nor emitted, for the reason given.
 * X in 002's patterns is its Y digit (0, 1, 2); instances that seed 001 maps are not repeated here.
 */
export const LEGACY_002_DECISIONS: readonly Legacy002Decision[] = [
  {
    legacy: '1.1.0.0',
    listedAs: '1.1.0.0',
    description002: 'Payment created',
    decision: 'alias',
    code: '1.1.1.00',
    why: "The same event as seed 001's 1.0.0.0; 002 (and its example response) printed Y=1.",
  },
  {
    legacy: '2.1.0.0',
    listedAs: '2.1.0.0',
    description002: 'Payment created on gateway',
    decision: 'alias',
    code: '2.1.1.00',
    why: "The same event as seed 001's 2.0.0.0 (gateway creation).",
  },
  {
    legacy: '3.0.1.7',
    listedAs: '3.0.1.7',
    description002: '3DS verification failed',
    decision: 'alias',
    code: '3.2.4.56',
    why: 'Seed 001 moved verification to Z=2 (3.0.2.1); same event.',
  },
  {
    legacy: '3.0.1.8',
    listedAs: '3.0.1.8',
    description002: 'OTP verification failed',
    decision: 'alias',
    code: '3.2.4.57',
    why: 'Seed 001 moved verification to Z=2 (3.0.2.2); same event.',
  },
  {
    legacy: '3.0.1.9',
    listedAs: '3.0.1.9',
    description002: 'User left during verification',
    decision: 'alias',
    code: '3.0.1.58',
    why: 'Seed 001 moved verification to Z=2 (3.0.2.3); same event.',
  },
  {
    legacy: '3.0.1.10',
    listedAs: '3.0.1.10',
    description002: 'User left during verification',
    decision: 'alias',
    code: '3.0.1.58',
    why: "A duplicate line in 002, like seed 001's 3.0.2.3 / 3.0.2.4; same event.",
  },
  {
    legacy: '5.2.1.0',
    listedAs: '5.X.1.0',
    description002: 'Callback: Status update — Success',
    decision: 'alias',
    code: '5.1.4.00',
    why:
      "X=2 is a status update to failed. X=1 is seed 001's 5.1.1.0; X=0 (5.0.1.0) is also 002's \"invalid " +
      'signature" and 001 maps it there, so a pending callback is the extension 5.0.2.00.',
  },
  {
    legacy: '5.2.2.0',
    listedAs: '5.X.2.0',
    description002: 'Callback: Amount update — Success',
    decision: 'not emitted',
    why:
      "An amount update exists only with a successful payment (X=1, seed 001's 5.1.2.0 → 5.1.3.35); X=0 " +
      '(5.0.2.0) is "invalid payload" in both pages. A failed payment with an updated amount has no v2 meaning.',
  },
  {
    legacy: '7.0.0.0',
    listedAs: '7.X.0.0',
    description002: 'Merchant callback confirmed',
    decision: 'alias',
    code: '6.1.1.00',
    why: '002 numbered the merchant callback 7; seed 001 (6.0.0.0) and the engine use 6. X=0: sent while not final.',
  },
  {
    legacy: '7.1.0.0',
    listedAs: '7.X.0.0',
    description002: 'Merchant callback confirmed',
    decision: 'alias',
    code: '6.1.3.00',
    why: 'X=1: confirmed after Success.',
  },
  {
    legacy: '7.2.0.0',
    listedAs: '7.X.0.0',
    description002: 'Merchant callback confirmed',
    decision: 'alias',
    code: '6.1.4.00',
    why: 'X=2: confirmed after Failed.',
  },
];

const BY_LEGACY: ReadonlyMap<string, readonly HistoryCodeDefinition[]> = (() => {
  const map = new Map<string, HistoryCodeDefinition[]>();
  const add = (legacy: string, definition: HistoryCodeDefinition): void => {
    const list = map.get(legacy) ?? [];
    if (!list.includes(definition)) list.push(definition);
    map.set(legacy, list);
  };
  for (const definition of HISTORY_CODES) {
    for (const legacy of definition.legacy) add(legacy, definition);
    add(definition.action, definition);
  }
  for (const d of LEGACY_002_DECISIONS) if (d.decision === 'alias') add(d.legacy, getHistoryCode(d.code));
  return map;
})();

/**
 * The v2 codes a legacy code stands for: seed 001's mapping, the extensions' actions and the seed-002 aliases.
 * Usually one; 2.0.0.0 gives two (gateway 2.1.1.00 and payform 3.1.1.00, seed 001 †); none for an unknown code.
 */
export const fromLegacy = (action: string): HistoryCodeDefinition[] => [...(BY_LEGACY.get(action) ?? [])];

/** The one legacy code emitted in `orderHistory[].action` for a v2 code. */
export const toLegacy = (code: HistoryCode): LegacyCode => getHistoryCode(code).action;
