import type { HistoryCode } from '../../domain/history-codes';

/**
 * The sandbox gateway's behaviour is chosen by test data, like PSPs' test cards: the last two digits of the
 * amount in minor units pick a scenario (100.00 USD → 00, 100.01 USD → 01). Documented in docs/sandbox.md.
 */
export interface SandboxScenario {
  /** Last two digits of the amount in minor units. */
  selector: number;
  name: string;
  /** How long the payment stays pending at the gateway, on Temporal's clock. */
  pendingForMs: number;
  /** The status a check returns once the pending time is over. */
  final: { status: 'success' } | { status: 'failed'; code: HistoryCode };
}

const minutes = (n: number) => n * 60_000;

/** Every scenario; amounts whose last two digits are not listed behave like `success`. */
export const SANDBOX_SCENARIOS: readonly SandboxScenario[] = [
  { selector: 0, name: 'success', pendingForMs: 0, final: { status: 'success' } },
  { selector: 1, name: 'pending-90m-then-success', pendingForMs: minutes(90), final: { status: 'success' } },
  {
    selector: 2,
    name: 'declined-insufficient-funds',
    pendingForMs: 0,
    final: { status: 'failed', code: '4.1.4.63' },
  },
];

/** The scenario an amount selects. */
export function scenarioFor(amountMinor: number): SandboxScenario {
  const selector = amountMinor % 100;
  return SANDBOX_SCENARIOS.find((s) => s.selector === selector) ?? SANDBOX_SCENARIOS[0]!;
}

/** The scenario with this name. */
export function scenarioNamed(name: string): SandboxScenario {
  const found = SANDBOX_SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown sandbox scenario ${name}`);
  return found;
}
