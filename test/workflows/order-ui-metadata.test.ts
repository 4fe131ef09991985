import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { orderStartOptions } from '../../api/orders/workflow-start';
import type { OrderRequisites } from '../../domain/requisites';
import { devKeyring } from '../../infra/security/keyring';
import { ENCRYPTED_ENCODING, EncryptionCodec } from '../../infra/temporal/payload-codec';
import { createOrderSetup } from '../../simulation/order-setup';
import { deposit } from '../../workflows';
import { payformSignal, type OrderInput } from '../../workflows/definitions';
import { OrderStatusKey, OrderSummaryKey } from '../../workflows/search-attributes';
import { createTestWorker } from '../helpers/time-skipping-worker';
import { useTimeSkippingServer } from './order-harness';

/**
 * What an operator reads about an order in the Temporal Web UI (docs/temporal-web-ui.md, "What an operator sees"):
 * the static summary and details the API starts the workflow with, the `OrderSummary` search attribute of the
 * Workflows list (the status, and for a failed order its gateway and the reason in words), the current details
 * that follow the order's step, and activity summaries in the event history. None of it shows the payer's data.
 */
const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
beforeAll(() => {
  env = server.env();
  ds = server.ds();
});

const MERCHANT_NAME = 'Acme Books Ltd';
const CARD_MASK = '424242******4242';
const EMAIL = 'payer.person@example.test';
const PAYER: OrderRequisites = { cardMask: CARD_MASK, email: EMAIL, phone: '+15550104242', ip: '203.0.113.77' };
/** What must never appear in anything the UI shows without the codec, or with it. */
const PAYER_TRACES = ['424242', '******', EMAIL, 'example.test', '+15550104242', '203.0.113.77'];

const codec = new EncryptionCodec(devKeyring());
const decodeText = async (payload: Payload | null | undefined): Promise<string | undefined> =>
  payload ? defaultPayloadConverter.fromPayload<string>((await codec.decode([payload]))[0]!) : undefined;
const encodingOf = (payload: Payload | null | undefined) =>
  payload?.metadata?.encoding ? Buffer.from(payload.metadata.encoding).toString() : undefined;

/** The workflow's current details, as the UI reads them: the built-in metadata query. */
async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = await handle.query<temporal.api.sdk.v1.IWorkflowMetadata>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

/** Activity and timer summaries of the event history, decoded (the UI decodes them with the codec server). */
async function eventSummaries(handle: WorkflowHandle): Promise<{ summaries: string[]; encodings: Set<string> }> {
  const { events } = await handle.fetchHistory();
  const summaries: string[] = [];
  const encodings = new Set<string>();
  for (const event of events ?? []) {
    const summary = event.userMetadata?.summary;
    if (!summary) continue;
    encodings.add(encodingOf(summary) ?? '');
    summaries.push((await decodeText(summary))!);
  }
  return { summaries, encodings };
}

/** Starts a deposit as the API does (orderStartOptions), runs `during` while it runs, and reads back what the UI shows. */
async function runDeposit(
  amountMinor: number,
  opts: { payform?: boolean; during?: (handle: WorkflowHandle) => Promise<void> } = {},
) {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  const input: OrderInput = setup.order({
    amountMinor,
    merchantName: MERCHANT_NAME,
    requisites: PAYER,
    ...(opts.payform ? { payform: true } : {}),
  });
  const { worker, taskQueue } = await createTestWorker(env, ds);
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(deposit, { ...orderStartOptions('deposit', input), taskQueue });
    await opts.during?.(handle);
    await handle.result();
    const description = await handle.describe();
    const userMetadata = description.raw.executionConfig?.userMetadata;
    return {
      input,
      gateway: setup.gatewayIds[0]!,
      staticSummary: await description.staticSummary(),
      staticDetails: await description.staticDetails(),
      summaryEncoding: encodingOf(userMetadata?.summary),
      detailsEncoding: encodingOf(userMetadata?.details),
      listSummary: description.typedSearchAttributes.get(OrderSummaryKey),
      orderStatus: description.typedSearchAttributes.get(OrderStatusKey),
      currentDetails: await currentDetails(handle),
      ...(await eventSummaries(handle)),
    };
  });
}

const expectNoPayerData = (texts: Array<string | undefined>) => {
  const all = texts.join('\n');
  for (const trace of PAYER_TRACES) expect(all).not.toContain(trace);
};

test('a paid deposit: summary, details, list summary, current details and activity summaries, without payer data', async () => {
  const seen = await runDeposit(100_00); // sandbox: pending, then paid on the status check

  expect(seen.staticSummary).toBe(`Deposit 100.00 USD · ${MERCHANT_NAME}`);
  expect(seen.staticDetails).toContain(seen.input.orderId);
  expect(seen.staticDetails).toContain(seen.input.externalTransactionId);
  expect(seen.staticDetails).toContain('card, host to host, sandbox');
  // User metadata goes through the payload codec like every payload: Temporal stores ciphertext.
  expect(seen.summaryEncoding).toBe(ENCRYPTED_ENCODING);
  expect(seen.detailsEncoding).toBe(ENCRYPTED_ENCODING);
  expect([...seen.encodings]).toEqual([ENCRYPTED_ENCODING]);

  expect(seen.orderStatus).toBe('Success');
  expect(seen.listSummary).toBe(`Deposit 100.00 USD · ${MERCHANT_NAME} · Success at Sandbox 1`);
  expect(seen.currentDetails).toMatch(/^\*\*Success at Sandbox 1\*\*/);
  expect(seen.currentDetails).toContain('- step: done');
  expect(seen.currentDetails).toContain('`1.1.3.84` PayStar ledger: deposit credited net of commission');

  expect(seen.summaries).toEqual(
    expect.arrayContaining([
      `Deposit 100.00 USD · ${MERCHANT_NAME}`, // the start event's
      // Local activity markers (the lean shape): the created entry with the pre-checks and routing; history entries;
      // the status check; the ledger with its entry.
      'History `1.1.1.00` PayStar create: done (payment created); pre-checks (black list, limits) and routing for 100.00 USD',
      'Create the payment of 100.00 USD at Sandbox 1 (send 1)',
      'history `2.1.2.00` Gateway create: done (payment processing) · Sandbox 1',
      'Status check 1 at Sandbox 1',
      'history `4.1.3.00` Status check: done (payment success) · Sandbox 1',
      "Credit 100.00 USD to the merchant's balance, net of commission; history `1.1.3.84` PayStar ledger: deposit credited net of commission (payment success)",
    ]),
  );
  expectNoPayerData([seen.staticSummary, seen.staticDetails, seen.listSummary, seen.currentDetails, ...seen.summaries]);
});

test('a declined deposit names the gateway and the reason in words in the list and the current details', async () => {
  const seen = await runDeposit(100_02); // sandbox: pending, then the status check says insufficient funds (4.1.4.63)

  const failure = 'Failed at Sandbox 1: Status check: insufficient funds (payment failed)';
  expect(seen.orderStatus).toBe('Failed');
  expect(seen.listSummary).toBe(`Deposit 100.02 USD · ${MERCHANT_NAME} · ${failure}`);
  expect(seen.currentDetails).toMatch(new RegExp(`^\\*\\*${failure.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\*\\*`));
  expect(seen.currentDetails).toContain('- gateways tried: Sandbox 1 (route of 1)');
  expect(seen.summaries).toContain('Status check 1 at Sandbox 1');
  expect(seen.summaries).toContain('history `4.1.4.63` Status check: insufficient funds (payment failed) · Sandbox 1');
  expect(seen.summaries).not.toContain(expect.stringMatching(/^Credit /));
  expectNoPayerData([seen.staticSummary, seen.staticDetails, seen.listSummary, seen.currentDetails, ...seen.summaries]);
});

test("the current details follow the order's step: waiting for the payer, then failed when the payer cancels", async () => {
  let waiting = '';
  const seen = await runDeposit(100_00, {
    payform: true,
    during: async (handle) => {
      // Bounded polling until the first workflow task ran (a query before it is refused).
      for (let tries = 0; !waiting.includes('step: waiting for the payer') && tries < 100; tries++) {
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        waiting = await currentDetails(handle).catch(() => '');
      }
      await handle.signal(payformSignal, { type: 'cancelled' });
    },
  });

  expect(waiting).toMatch(/^\*\*Created\*\*/);
  expect(waiting).toContain('- step: waiting for the payer on the hosted payment page');
  expect(seen.staticDetails).toContain('card, hosted payment page, sandbox');
  expect(seen.listSummary).toBe(
    `Deposit 100.00 USD · ${MERCHANT_NAME} · Failed: Payment form present: payer cancelled (payment failed)`,
  );
  expect(seen.currentDetails).toContain('- step: done');
  expectNoPayerData([waiting, seen.currentDetails, seen.listSummary]);
});
