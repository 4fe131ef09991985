/**
 * The sandbox's card verification challenge (3-D Secure), like PSPs' test cards: a sandbox order paid on the hosted
 * payment page with this card number asks the payer for a code before any gateway is called, and this code passes
 * it; any other fails it (docs/sandbox.md, docs/payment-page.md). Live orders never get it.
 */
export const SANDBOX_CHALLENGE_CARD = '4000000000003220';

/** The one code the sandbox's challenge accepts. */
export const SANDBOX_CHALLENGE_CODE = '123456';

/**
 * The sandbox's one-time-code challenge card: like the 3-D Secure card, but the bank's code comes by SMS (OTP), so a
 * wrong code is recorded as 3.2.4.57 (USER.OTP_FAILED). The same code passes it.
 */
export const SANDBOX_OTP_CARD = '4000000000000036';

/**
 * The sandbox's declined card: every sandbox gateway declines a create paid with it (2.2.4.00, declined by the
 * issuer without a reason), whatever the amount says, so a payer on the hosted page can see a decline and try
 * another card (docs/sandbox.md).
 */
export const SANDBOX_DECLINE_CARD = '4000000000000002';
/** How the declined card looks where only the mask travels (a workflow's create request without the vault). */
export const SANDBOX_DECLINE_CARD_MASK = '400000******0002';
