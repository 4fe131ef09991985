import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { GatewayEntity } from '../entities/gateway.entity';
import type { GatewayOutcome, GatewayPaymentRequest, GatewayRegistry } from '../gateways/connector';

/**
 * The clock handed to gateways is Temporal's (the attempt's scheduled time): in a time-skipping test it moves
 * with the skipped time, so a sandbox payment that is pending for 90 minutes settles after 90 workflow minutes.
 */
function temporalNow(): Date {
  return new Date(Context.current().info.currentAttemptScheduledTimestampMs);
}

/** Gateway calls through the connector registry. */
export function gatewayActivities(dataSource: DataSource, registry: GatewayRegistry) {
  async function loadGateway(gatewayId: string): Promise<GatewayEntity> {
    const gateway = await dataSource.getRepository(GatewayEntity).findOneBy({ id: gatewayId });
    if (!gateway) {
      throw ApplicationFailure.create({ type: 'UnknownGateway', message: `gateway ${gatewayId}`, nonRetryable: true });
    }
    return gateway;
  }

  return {
    async createGatewayPayment(gatewayId: string, request: GatewayPaymentRequest): Promise<GatewayOutcome> {
      const gateway = await loadGateway(gatewayId);
      return registry.get(gateway.connector).create(request, { gateway, now: temporalNow() });
    },

    async checkGatewayPayment(gatewayId: string, gatewayRef: string): Promise<GatewayOutcome> {
      const gateway = await loadGateway(gatewayId);
      return registry.get(gateway.connector).status(gatewayRef, { gateway, now: temporalNow() });
    },
  };
}
