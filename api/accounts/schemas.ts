import { z } from 'zod';
import { openApiRegistry } from '../openapi';
import { MERCHANT_ROLES, OPERATOR_ROLES } from './permissions';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords';

/** The session cookie set by POST /api/v1/auth/sign-in (state-changing requests also need X-CSRF-Token). */
export const sessionCookie = openApiRegistry.registerComponent('securitySchemes', 'session', {
  type: 'apiKey',
  in: 'cookie',
  name: 'ps_session',
  description:
    'A session from POST /api/v1/auth/sign-in. POST, PUT, PATCH and DELETE also need the X-CSRF-Token header ' +
    '(the csrfToken of the sign-in answer, also in the ps_csrf cookie). docs/accounts.md',
});

export const Email = z.email({ error: 'must be an email address' }).max(254);
export const NewPassword = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);
export const AnyPassword = z.string().min(1).max(PASSWORD_MAX);
export const TotpCode = z.string().regex(/^\d{6}$/, 'must be the 6 digits of the authenticator app');
export const Role = z.enum([...new Set([...OPERATOR_ROLES, ...MERCHANT_ROLES])]);

export const User = z
  .object({
    id: z.uuid(),
    email: z.string(),
    kind: z.enum(['operator', 'merchant']),
    merchantId: z.uuid().nullable(),
    role: z.string(),
    status: z.enum(['invited', 'active', 'disabled']),
    totpEnabled: z.boolean(),
    passwordChangedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('User');

export const OneTimeLink = z
  .object({
    token: z.string().openapi({ description: 'Shown once; stored only as a digest' }),
    path: z.string().openapi({ description: 'Where to open it: the token is in the fragment, never sent in a URL' }),
    expiresAt: z.string(),
  })
  .openapi('OneTimeLink');

export const Session = z
  .object({
    id: z.uuid(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
    current: z.boolean(),
  })
  .openapi('Session');

export const PortalOrder = z
  .object({
    id: z.uuid(),
    externalTransactionId: z.string(),
    direction: z.enum(['deposit', 'payout']),
    amountMinor: z.number(),
    currency: z.string(),
    status: z.enum(['Created', 'Processing', 'Success', 'Failed']),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('PortalOrder');
