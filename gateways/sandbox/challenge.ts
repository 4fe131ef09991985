/**
 * The sandbox's card verification challenge (3-D Secure), like PSPs' test cards: a sandbox order paid on the hosted
 * payment page with this card number asks the payer for a code before any gateway is called, and this code passes
 * it; any other fails it (docs/sandbox.md, docs/payment-page.md). Live orders never get it.
 */
export const SANDBOX_CHALLENGE_CARD = '4000000000003220';

/** The one code the sandbox's challenge accepts. */
export const SANDBOX_CHALLENGE_CODE = '123456';
