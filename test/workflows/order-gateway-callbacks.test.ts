import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataSource } from 'typeorm';
import { verifyGatewayCallback } from '../../gateways/callback-verification';
import { createGatewayRegistry } from '../../gateways';
import { SandboxConnector } from '../../gateways/sandbox/sandbox-connector';
import { createOrderSetup, postingsOf } from '../../simulation/order-setup';
import { gatewayCallbackSignal, getOrderStateQuery } from '../../workflows/definitions';
import { codesOf, runOrderToEnd, useTimeSkippingServer } from './order-harness';

const server = useTimeSkippingServer();
let env: TestWorkflowEnvironment;
let ds: DataSource;
beforeAll(() => {
  env = server.env();
  ds = server.ds();
});

const START = ['1.1.1.00', '2.1.2.00', '4.0.2.00'];

/**
 * The sandbox's callback scenarios (70–78): the gateway resolves the payment after 30 minutes and calls back.
 * At 31 minutes of workflow time, before the next status check, the test delivers the scenario's callback the
 * way the HTTP layer will: verified by the gateway's connector, then signalled to the order's workflow.
 */
const CALLBACK_ROWS: Array<[selector: string, codes: string[], status: 'Success' | 'Failed', creditedPercent: number]> =
  [
    ['70', [...START, '5.1.3.00', '1.1.3.84'], 'Success', 100],
    ['71', [...START, '5.2.2.16', '4.1.3.00', '1.1.3.84'], 'Success', 100],
    ['72', [...START, '5.2.2.17', '4.1.3.00', '1.1.3.84'], 'Success', 100],
    ['73', [...START, '5.1.3.35', '1.1.3.84'], 'Success', 90],
    ['74', [...START, '5.1.4.00'], 'Failed', 0],
    ['75', [...START, '5.1.4.41'], 'Failed', 0],
    ['76', [...START, '5.1.4.61'], 'Failed', 0],
    ['77', [...START, '5.1.4.62'], 'Failed', 0],
    ['78', [...START, '5.1.4.63'], 'Failed', 0],
  ];

test.each(CALLBACK_ROWS)('callback scenario %s gives %j, %s', async (selector, codes, status, creditedPercent) => {
  const setup = await createOrderSetup(ds, { direction: 'deposit' });
  const amountMinor = 2000_00 + Number(selector);
  const { input, result } = await runOrderToEnd(
    env,
    ds,
    setup,
    { amountMinor },
    {
      during: async (workflowId) => {
        const handle = env.client.workflow.getHandle(workflowId);
        await env.sleep('31 minutes');
        const state = await handle.query(getOrderStateQuery);
        const gatewayRef = state.attempts[0]!.gatewayRef!;
        const raw = await new SandboxConnector(ds).buildCallback(gatewayRef);
        const verification = await verifyGatewayCallback(ds, createGatewayRegistry(ds), setup.gatewayIds[0]!, raw);
        await handle.signal(gatewayCallbackSignal, { gatewayId: setup.gatewayIds[0]!, verification });
      },
    },
  );

  expect(codesOf(result)).toEqual(codes);
  expect(result.status).toBe(status);
  const credited = Math.floor((amountMinor * creditedPercent) / 100); // the sandbox settles a share, rounded down
  expect(await postingsOf(ds, input.orderId)).toEqual(credited ? [['deposit', credited]] : []);
  if (selector === '73') expect(result.amountMinor).toBe(credited);
  if (selector === '71' || selector === '72') expect(result.invalidCallbacks).toBe(1);
});
