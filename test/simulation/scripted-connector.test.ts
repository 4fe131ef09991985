import type { GatewayEntity } from '../../entities/gateway.entity';
import { GatewayMisconfiguredError } from '../../gateways/connector';
import type { SandboxConnector } from '../../gateways/sandbox/sandbox-connector';
import { ScriptedSandboxConnector, type ScheduledGatewayCallback } from '../../gateways/scripted/scripted-connector';
import type { GatewayBehaviour, PaymentScript } from '../../gateways/scripted/script';

/** The scripted sandbox gateway on its own: no database is touched outside `sandbox` windows. */
const MINUTE = 60_000;
const EPOCH = Date.UTC(2030, 0, 1);
const at = (ms: number) => new Date(EPOCH + ms);

const script = (overrides: Partial<PaymentScript> = {}): PaymentScript => ({
  create: 'pending',
  declineReason: null,
  pendingForMs: 40 * MINUTE,
  outcome: { status: 'success' },
  callback: null,
  ...overrides,
});

function gatewayWith(...windows: Array<[fromMs: number, untilMs: number | null, behaviour: GatewayBehaviour]>) {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    mode: 'sandbox',
    connector: 'scripted-sandbox',
    settings: {
      script: {
        epochMs: EPOCH,
        windows: windows.map(([fromMs, untilMs, behaviour]) => ({ fromMs, untilMs, behaviour })),
      },
    },
  } as unknown as GatewayEntity;
}

const request = (key = 'deposit-o:1', amountMinor = 100_00) => ({
  idempotencyKey: key,
  orderId: 'o',
  direction: 'deposit' as const,
  amountMinor,
  currency: 'USD',
  requisites: {},
});

function connector() {
  const scheduled: ScheduledGatewayCallback[] = [];
  const sandbox = {
    status: () => Promise.resolve({ kind: 'not_found', code: '4.1.1.00' }),
  } as unknown as SandboxConnector;
  return { scripted: new ScriptedSandboxConnector(sandbox, async (c) => void scheduled.push(c)), scheduled };
}

test('down: every create and every check fails the outage way, until the window ends', async () => {
  const { scripted } = connector();
  const gateway = gatewayWith(
    [0, 2 * 60 * MINUTE, { kind: 'down', outage: 'server-unavailable' }],
    [0, null, { kind: 'payments', payment: script({ pendingForMs: 0 }) }],
  );
  expect(await scripted.create(request(), { gateway, now: at(MINUTE) })).toEqual({
    kind: 'failed',
    code: '2.2.4.13',
    ambiguous: false,
  });
  expect(await scripted.status({ idempotencyKey: 'deposit-o:1' }, { gateway, now: at(MINUTE) })).toEqual({
    kind: 'error',
    code: '4.2.2.13',
  });
  const after = await scripted.create(request(), { gateway, now: at(2 * 60 * MINUTE) });
  expect(after).toMatchObject({ kind: 'accepted', status: 'pending', code: '2.1.2.00' });
});

test('a scripted payment is pending until its time, then final; a repeated create is the same payment', async () => {
  const { scripted, scheduled } = connector();
  const gateway = gatewayWith([
    0,
    null,
    { kind: 'payments', payment: script({ callback: { variant: 'final', afterMs: null } }) },
  ]);
  const first = await scripted.create(request(), { gateway, now: at(0) });
  const again = await scripted.create(request(), { gateway, now: at(MINUTE) });
  expect(again).toEqual(first);
  const ref = (first as { gatewayRef: string }).gatewayRef;
  expect(
    await scripted.status({ gatewayRef: ref, idempotencyKey: 'x' }, { gateway, now: at(40 * MINUTE - 1) }),
  ).toEqual({
    kind: 'pending',
    code: '4.0.2.00',
  });
  expect(await scripted.status({ idempotencyKey: 'deposit-o:1' }, { gateway, now: at(40 * MINUTE) })).toMatchObject({
    kind: 'success',
    code: '4.1.3.00',
    gatewayRef: ref,
  });
  // One callback, at resolution, signed so that the gateway's own verification accepts it.
  expect(scheduled).toHaveLength(1);
  expect(scheduled[0]!.at).toEqual(at(40 * MINUTE));
  expect(await scripted.verifyCallback(scheduled[0]!.raw, { gateway, now: at(40 * MINUTE) })).toMatchObject({
    valid: true,
    status: 'success',
    code: '5.1.3.00',
    gatewayRef: ref,
  });
});

test('declines, payments paid at once, amount updates, failures and early or forged callbacks', async () => {
  const { scripted, scheduled } = connector();
  const declining = gatewayWith([
    0,
    null,
    { kind: 'payments', payment: script({ create: 'declined', declineReason: 'ISSUER.CARD_BLOCKED' }) },
  ]);
  expect(await scripted.create(request('a'), { gateway: declining, now: at(0) })).toEqual({
    kind: 'declined',
    code: '2.2.4.61',
  });

  const instant = gatewayWith([0, null, { kind: 'payments', payment: script({ create: 'paid' }) }]);
  expect(await scripted.create(request('b'), { gateway: instant, now: at(0) })).toMatchObject({
    kind: 'accepted',
    status: 'success',
    code: '2.1.3.00',
  });

  const partial = gatewayWith([
    0,
    null,
    { kind: 'payments', payment: script({ pendingForMs: 0, outcome: { status: 'success', settledPercent: 90 } }) },
  ]);
  await scripted.create(request('c', 100_73), { gateway: partial, now: at(0) });
  expect(await scripted.status({ idempotencyKey: 'c' }, { gateway: partial, now: at(0) })).toMatchObject({
    code: '4.1.3.00',
    amountMinor: 9065,
  });

  const early = gatewayWith([
    0,
    null,
    {
      kind: 'payments',
      payment: script({
        outcome: { status: 'failed', reason: 'RISK.ANTIFRAUD_HARD' },
        callback: { variant: 'final', afterMs: 10 * MINUTE },
      }),
    },
  ]);
  await scripted.create(request('d'), { gateway: early, now: at(0) });
  expect(await scripted.status({ idempotencyKey: 'd' }, { gateway: early, now: at(40 * MINUTE) })).toMatchObject({
    kind: 'failed',
    code: '4.1.4.41',
  });
  expect(await scripted.verifyCallback(scheduled.at(-1)!.raw, { gateway: early, now: at(0) })).toMatchObject({
    valid: true,
    code: '5.0.2.00',
  });

  const forged = gatewayWith([
    0,
    null,
    { kind: 'payments', payment: script({ callback: { variant: 'invalid-signature', afterMs: null } }) },
  ]);
  await scripted.create(request('e'), { gateway: forged, now: at(0) });
  expect(await scripted.verifyCallback(scheduled.at(-1)!.raw, { gateway: forged, now: at(0) })).toMatchObject({
    valid: false,
    code: '5.2.2.16',
  });
});

test('a payment it does not know is asked of the in-process sandbox; a gateway without a script is misconfigured', async () => {
  const { scripted } = connector();
  const gateway = gatewayWith();
  expect(await scripted.status({ idempotencyKey: 'unknown' }, { gateway, now: at(0) })).toEqual({
    kind: 'not_found',
    code: '4.1.1.00',
  });
  const broken = { ...gateway, settings: {} } as GatewayEntity;
  await expect(scripted.create(request(), { gateway: broken, now: at(0) })).rejects.toBeInstanceOf(
    GatewayMisconfiguredError,
  );
});
