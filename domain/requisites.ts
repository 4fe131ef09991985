/**
 * The payer's requisites an order carries, as the workflows see them. A card number never travels in workflow
 * input (Temporal stores histories in clear): only its keyed fingerprint, for black-list matching, and its mask.
 */
export type RequisiteType = 'card' | 'email' | 'ip' | 'phone' | 'payeerIdentifier';

/** Requisites of one order; every field optional, normalised by the API before the workflow starts. */
export interface OrderRequisites {
  /** HMAC-SHA256 of the card's digits under the engine's secret key (hex). */
  cardFingerprint?: string;
  /** Display form of the card, e.g. 411111******1111. */
  cardMask?: string;
  email?: string;
  ip?: string;
  phone?: string;
  payeerIdentifier?: string;
}

/** How the payer pays. */
export type PaymentMethod = 'card' | 'p2p' | 'token';
