/**
 * Finds secrets pasted in clear into an issue's text (seed 000 §12: "Do not paste secrets in plain text"): this
 * project's API keys (merchant keys `ps_<sandbox|live>_<deposit|payout>_…`, operator keys `ps_admin_…`, both the
 * current and the legacy shape, infra/security/api-keys.ts), Stripe secret and restricted keys (the engine's Stripe
 * connector takes them), and card numbers (13 to 19 digits, optionally grouped by spaces or dashes, that pass the
 * Luhn check). Pure TypeScript, so the web application can warn before sending.
 */

const PROJECT_KEY = /\bps_(?:(?:sandbox|live)_(?:deposit|payout)|admin)_[A-Za-z0-9_-]{20,}/;
const STRIPE_KEY = /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/;
/** Digit runs of 13 to 19 digits, with single spaces or dashes between groups, not inside a longer number. */
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export type SecretKind = 'api key' | 'card number';

/** What kind of secret the text holds in clear, or null. */
export function findSecretInClear(text: string): SecretKind | null {
  if (PROJECT_KEY.test(text) || STRIPE_KEY.test(text)) return 'api key';
  for (const m of text.matchAll(CARD_CANDIDATE)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return 'card number';
  }
  return null;
}

/** The hint given with a refusal. */
export const SECRET_HINT =
  'put it in a one-time secret (Secure data: POST /api/v1/secrets, encrypted in the browser) and paste the link instead';
