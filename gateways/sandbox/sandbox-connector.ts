import type { DataSource } from 'typeorm';
import { CODES } from '../../domain/history-codes';
import { SandboxPaymentEntity } from '../../entities/sandbox-payment.entity';
import type { GatewayCallContext, GatewayConnector, GatewayOutcome, GatewayPaymentRequest } from '../connector';
import { scenarioFor, scenarioNamed } from './scenarios';

/**
 * An in-process sandbox gateway that keeps its payments in PostgreSQL, as a PSP keeps them on its side: a create
 * repeated with the same idempotency key returns the first payment, so a retried activity never charges twice.
 */
export class SandboxConnector implements GatewayConnector {
  readonly name = 'sandbox';

  constructor(private readonly dataSource: DataSource) {}

  async create(req: GatewayPaymentRequest, ctx: GatewayCallContext): Promise<GatewayOutcome> {
    const scenario = scenarioFor(req.amountMinor);
    const repo = this.dataSource.getRepository(SandboxPaymentEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        gatewayId: ctx.gateway.id,
        idempotencyKey: req.idempotencyKey,
        amountMinor: req.amountMinor,
        currency: req.currency,
        scenario: scenario.name,
        createdAt: ctx.now,
        resolvesAt: new Date(ctx.now.getTime() + scenario.pendingForMs),
      })
      .orIgnore()
      .execute();
    const payment = await repo.findOneByOrFail({ idempotencyKey: req.idempotencyKey });
    return { status: 'pending', gatewayRef: payment.id, code: CODES.GATEWAY_PENDING };
  }

  async status(gatewayRef: string, ctx: GatewayCallContext): Promise<GatewayOutcome> {
    const payment = await this.dataSource.getRepository(SandboxPaymentEntity).findOneByOrFail({ id: gatewayRef });
    if (ctx.now < payment.resolvesAt) return { status: 'pending', gatewayRef, code: CODES.CHECK_PENDING };
    const { final } = scenarioNamed(payment.scenario);
    return final.status === 'success'
      ? { status: 'success', gatewayRef, code: CODES.CHECK_SUCCESS }
      : { status: 'failed', gatewayRef, code: final.code };
  }
}
