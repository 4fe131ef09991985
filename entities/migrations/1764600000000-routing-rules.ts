import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Temporary restrictions through routing (seed 004 §7, issue 14): operators' rules with a threshold over a time
 * window, and the events they count. An event is one order's attempt, or its failure, keyed by one requisite as a
 * SHA-256 digest of its normalised form (a card by its keyed fingerprint); no requisite is stored in clear.
 * `seq` orders the attempts of one key: the evaluator counts the attempts up to its own (docs/routing-rules.md).
 */
export class RoutingRules1764600000000 implements MigrationInterface {
  name = 'RoutingRules1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routing_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scope text NOT NULL CHECK (scope IN ('merchant', 'pipeline')),
        merchant_id uuid REFERENCES merchants (id) ON DELETE CASCADE,
        pipeline_id uuid REFERENCES pipelines (id) ON DELETE CASCADE,
        direction text CHECK (direction IN ('deposit', 'payout')),
        requisite text NOT NULL CHECK (requisite IN ('card', 'email', 'ip', 'phone', 'payeerIdentifier')),
        counts text NOT NULL CHECK (counts IN ('failed', 'attempts')),
        threshold int NOT NULL CHECK (threshold >= 0),
        window_seconds int NOT NULL CHECK (window_seconds BETWEEN 60 AND 2592000),
        action text NOT NULL CHECK (action IN ('block', 'lower-gateway', 'to-pipeline', 'to-gateway')),
        target_gateway_id uuid REFERENCES gateways (id) ON DELETE RESTRICT,
        target_pipeline_id uuid REFERENCES pipelines (id) ON DELETE RESTRICT,
        enabled boolean NOT NULL DEFAULT true,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT routing_rules_scope_owner CHECK (
          (scope = 'merchant' AND merchant_id IS NOT NULL AND pipeline_id IS NULL)
          OR (scope = 'pipeline' AND pipeline_id IS NOT NULL AND merchant_id IS NULL)),
        CONSTRAINT routing_rules_action_target CHECK (
          (action = 'block' AND target_gateway_id IS NULL AND target_pipeline_id IS NULL)
          OR (action IN ('lower-gateway', 'to-gateway') AND target_gateway_id IS NOT NULL AND target_pipeline_id IS NULL)
          OR (action = 'to-pipeline' AND target_pipeline_id IS NOT NULL AND target_gateway_id IS NULL))
      );
      CREATE INDEX routing_rules_merchant ON routing_rules (merchant_id) WHERE merchant_id IS NOT NULL;
      CREATE INDEX routing_rules_pipeline ON routing_rules (pipeline_id) WHERE pipeline_id IS NOT NULL;
      CREATE TABLE routing_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('attempt', 'failure')),
        order_id uuid NOT NULL,
        merchant_id uuid NOT NULL,
        pipeline_id uuid NOT NULL,
        direction text NOT NULL,
        requisite text NOT NULL,
        key_hash text NOT NULL,
        occurred_at timestamptz NOT NULL,
        blocked boolean NOT NULL DEFAULT false,
        UNIQUE (order_id, kind, requisite)
      );
      CREATE INDEX routing_events_window ON routing_events (merchant_id, requisite, key_hash, kind, occurred_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routing_events; DROP TABLE routing_rules`);
  }
}
