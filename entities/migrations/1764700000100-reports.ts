import type { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillReports } from '../../data/reports';

/**
 * The reports' pre-aggregated figures (issue 18, docs/reports.md), owned by data/reports.ts: one fact row per
 * final order (its counted contribution, unique per order) and the hourly sums of the facts. Existing final orders
 * are counted here, from their rows, histories and ledger postings.
 */
export class Reports1764700000100 implements MigrationInterface {
  name = 'Reports1764700000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_order_facts (
        order_id uuid PRIMARY KEY REFERENCES orders (id),
        merchant_id uuid NOT NULL,
        mode text NOT NULL,
        currency char(3) NOT NULL,
        direction text NOT NULL,
        gateway text NOT NULL,
        method text NOT NULL,
        flow text NOT NULL,
        hour timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('Success', 'Failed')),
        reason text NOT NULL,
        psp_code text NOT NULL,
        gateway_position integer NOT NULL,
        final_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        amount_minor bigint NOT NULL,
        turnover_minor bigint NOT NULL,
        commission_minor bigint NOT NULL,
        net_minor bigint NOT NULL,
        duration_ms bigint NOT NULL,
        form_created boolean NOT NULL,
        form_visited boolean NOT NULL,
        form_submitted boolean NOT NULL,
        form_3ds boolean NOT NULL,
        form_cancelled boolean NOT NULL,
        form_refusals integer NOT NULL
      );
      CREATE INDEX report_order_facts_merchant_final ON report_order_facts (merchant_id, final_at);
      CREATE INDEX report_order_facts_final ON report_order_facts (final_at);

      CREATE TABLE report_hourly (
        merchant_id uuid NOT NULL,
        mode text NOT NULL,
        currency char(3) NOT NULL,
        direction text NOT NULL,
        gateway text NOT NULL,
        method text NOT NULL,
        flow text NOT NULL,
        hour timestamptz NOT NULL,
        status text NOT NULL,
        reason text NOT NULL,
        psp_code text NOT NULL,
        gateway_position integer NOT NULL,
        orders bigint NOT NULL,
        amount_minor bigint NOT NULL,
        turnover_minor bigint NOT NULL,
        commission_minor bigint NOT NULL,
        net_minor bigint NOT NULL,
        duration_ms bigint NOT NULL,
        form_created bigint NOT NULL,
        form_visited bigint NOT NULL,
        form_submitted bigint NOT NULL,
        form_3ds bigint NOT NULL,
        form_cancelled bigint NOT NULL,
        form_refusals bigint NOT NULL,
        PRIMARY KEY (merchant_id, mode, currency, direction, gateway, method, flow, hour, status, reason, psp_code,
                     gateway_position)
      );
      CREATE INDEX report_hourly_hour ON report_hourly (hour);
    `);
    await backfillReports(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE report_hourly; DROP TABLE report_order_facts`);
  }
}
