import helmet from 'helmet';

/**
 * The Content-Security-Policy of every answer: nothing loads unless a page's policy says so, no framing by anyone
 * (clickjacking of the card form), forms post only here. The docs and the payment page need no script at all.
 */
export const BASE_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
} as const;

type Directives = Record<string, readonly string[]>;

/** Helmet's headers on every answer, with {@link BASE_CSP_DIRECTIVES}. */
export const securityHeaders = () =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: BASE_CSP_DIRECTIVES },
    xFrameOptions: { action: 'deny' },
  });

/**
 * A page's own policy: the base directives plus what that page needs (it replaces the header the app-wide
 * middleware set; every other helmet header stays).
 */
export const pagePolicy = (extra: Directives) =>
  helmet.contentSecurityPolicy({ useDefaults: false, directives: { ...BASE_CSP_DIRECTIVES, ...extra } });
