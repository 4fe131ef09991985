import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators' overrides of a connector's built-in answer table (docs/connectors.md, "Gateway answers as data"): the
 * PSP's code → our reason (RR) and the cascade decision, read by the gateway activity on the next attempt.
 * Owned by gateways/answer-overrides.ts; changed only through the admin API (audited).
 */
export class GatewayAnswerOverrides1764500000100 implements MigrationInterface {
  name = 'GatewayAnswerOverrides1764500000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway_answer_overrides (
        connector text NOT NULL,
        psp_code text NOT NULL CHECK (psp_code ~ '^[A-Za-z0-9_.-]{1,100}$'),
        reason char(2) NOT NULL CHECK (reason ~ '^[0-9]{2}$'),
        decision text NOT NULL CHECK (decision IN ('retry', 'check', 'next', 'stop')),
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connector, psp_code)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway_answer_overrides`);
  }
}
