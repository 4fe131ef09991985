import type { DataSource } from 'typeorm';
import { cascadeDecision, type CascadeDecision } from '../domain/cascade-policy';
import type { CallbackVerification, CreateOutcome, PspAnswer, StatusOutcome } from '../domain/gateway-contract';
import { REASONS, type ReasonKey } from '../domain/history-codes';
import { callbackFailedCode, checkFailedCode, declinedCodeOrUnspecified } from './codes';
import type { GatewayConnector } from './connector';

/**
 * Gateway answers as data: each connector's built-in table (PSP code → reason) and the operators' override rows
 * (table `gateway_answer_overrides`, this module's; changed through the admin API, audited). An override applies to
 * the next attempt: the gateway activity reads it after the connector mapped the PSP's answer.
 */

/** One row of a connector's answer table, as the admin API shows it. */
export interface GatewayAnswerRow {
  connector: string;
  pspCode: string;
  /** The RR digits of the reason; '00' for none. */
  reason: string;
  decision: CascadeDecision;
  source: 'built-in' | 'override';
  note: string | null;
}

/** RR digits → reason key (null for 00), and back. */
export const reasonOfDigits = (rr: string): ReasonKey | null =>
  rr === '00' ? null : ((REASONS as Record<string, { key: ReasonKey }>)[rr]?.key ?? null);
export const digitsOfReason = (reason: ReasonKey | null): string =>
  reason === null ? '00' : (Object.entries(REASONS).find(([, r]) => r.key === reason)?.[0] ?? '00');
/** The reasons an override may name: every RR of the catalog, and 00. */
export const OVERRIDABLE_REASONS: readonly string[] = ['00', ...Object.keys(REASONS)];

/** The connector's built-in rows, with the decision the cascade table takes for each. */
export function builtInAnswers(connector: GatewayConnector): GatewayAnswerRow[] {
  return Object.entries(connector.answers ?? {}).map(([pspCode, reason]) => ({
    connector: connector.name,
    pspCode,
    reason: digitsOfReason(reason),
    decision: cascadeDecision(declinedCodeOrUnspecified(reason)),
    source: 'built-in',
    note: null,
  }));
}

/** The code an answer is looked up by: the PSP's most specific code, the last part of `status:code`. */
export const answerKeyOf = (psp: PspAnswer): string => psp.code.split(':').at(-1) ?? psp.code;

interface OverrideRow {
  reason: string;
  decision: CascadeDecision;
}

async function overrideFor(ds: DataSource, connector: string, psp: PspAnswer | undefined) {
  if (!psp) return undefined;
  const [row]: OverrideRow[] = await ds.query(
    `SELECT reason, decision FROM gateway_answer_overrides WHERE connector = $1 AND psp_code = $2`,
    [connector, answerKeyOf(psp)],
  );
  return row ? { reason: reasonOfDigits(row.reason), decision: row.decision } : undefined;
}

/** A create's decline, as an operator's override says: its code by the override's reason, its decision as given. */
export async function overrideCreate(
  ds: DataSource,
  connector: string,
  outcome: CreateOutcome,
): Promise<CreateOutcome> {
  if (outcome.kind !== 'declined') return outcome;
  const row = await overrideFor(ds, connector, outcome.psp);
  if (!row) return outcome;
  return { ...outcome, code: declinedCodeOrUnspecified(row.reason), decision: row.decision };
}

/** A check that found the payment failed: the code by the override's reason (what follows is the code's). */
export async function overrideCheck(ds: DataSource, connector: string, outcome: StatusOutcome): Promise<StatusOutcome> {
  if (outcome.kind !== 'failed') return outcome;
  const row = await overrideFor(ds, connector, outcome.psp);
  return row ? { ...outcome, code: checkFailedCode(row.reason) } : outcome;
}

/** A valid failure callback, likewise. */
export async function overrideCallback(
  ds: DataSource,
  connector: string,
  verification: CallbackVerification,
): Promise<CallbackVerification> {
  if (!verification.valid || verification.status !== 'failed') return verification;
  const row = await overrideFor(ds, connector, verification.psp);
  return row ? { ...verification, code: callbackFailedCode(row.reason) } : verification;
}
