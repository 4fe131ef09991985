/**
 * Stripe's documented answers as fixtures (https://docs.stripe.com/api/errors, /declines/codes, /payments/paymentintents/lifecycle,
 * /api/payouts/object), served by a loopback HTTP server that speaks Stripe's wire format. stripe-mock is
 * stateless and answers every call with the same fixture, so what an answer means is tested here; with `validateAt`
 * each request is first sent to stripe-mock, and a request it refuses is answered with its refusal.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer: an HTTP status and Stripe's JSON, or `hang` to never answer (a timeout on our side). */
export type StripeFixtureAnswer = { status: number; body: unknown } | 'hang';

/** A request the fixture server received (form-encoded body decoded to a flat map). */
export interface StripeFixtureRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  idempotencyKey?: string;
}

export const paymentIntent = (id: string, status: string, over: Record<string, unknown> = {}) => ({
  id,
  object: 'payment_intent',
  amount: 100_00,
  amount_received: status === 'succeeded' ? 100_00 : 0,
  currency: 'usd',
  status,
  last_payment_error: null,
  next_action: null,
  metadata: {},
  ...over,
});

export const payout = (id: string, status: string, over: Record<string, unknown> = {}) => ({
  id,
  object: 'payout',
  amount: 100_00,
  currency: 'usd',
  status,
  failure_code: null,
  failure_message: null,
  metadata: {},
  ...over,
});

/** A card error as Stripe answers it (402), with the PaymentIntent it left behind. */
export const cardError = (code: string, declineCode: string | undefined, message: string, pi = 'pi_declined') => ({
  status: 402,
  body: {
    error: {
      type: 'card_error',
      code,
      ...(declineCode ? { decline_code: declineCode } : {}),
      message,
      payment_intent: paymentIntent(pi, 'requires_payment_method', {
        last_payment_error: { code, decline_code: declineCode, message },
      }),
    },
  },
});

export const apiError = (status: number, type: string, message: string, code?: string) => ({
  status,
  body: { error: { type, message, ...(code ? { code } : {}) } },
});

/** A loopback server answering each request with `answer(request)`; requests are kept in `requests`. */
export async function startStripeFixtureServer(
  answer: (req: StripeFixtureRequest) => StripeFixtureAnswer,
  opts: { validateAt?: string } = {},
) {
  const requests: StripeFixtureRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? url.search : raw));
        const key = req.headers['idempotency-key'];
        const request: StripeFixtureRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          params,
          ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
        };
        requests.push(request);
        if (opts.validateAt) {
          const checked = await fetch(new URL(req.url ?? '/', opts.validateAt), {
            method: req.method,
            headers: {
              authorization: req.headers.authorization ?? '',
              'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded',
            },
            body: req.method === 'GET' ? undefined : raw,
          });
          if (checked.status >= 400) {
            res.writeHead(checked.status, { 'content-type': 'application/json' });
            res.end(await checked.text());
            return;
          }
        }
        const a = answer(request);
        if (a === 'hang') {
          hanging.add(res);
          return;
        }
        res.writeHead(a.status, { 'content-type': 'application/json', 'request-id': 'req_fixture' });
        res.end(JSON.stringify(a.body));
      })().catch((err: unknown) => {
        res.writeHead(599);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
