import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Background exports (issue 18, docs/reports.md), owned by data/exports.ts: one row per requested file, and the
 * file itself in chunks of at most a mebibyte, in PostgreSQL so the worker that writes it and any API process that
 * serves it share nothing else (no shared disk between machines).
 */
export class Exports1764700000101 implements MigrationInterface {
  name = 'Exports1764700000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exports (
        id uuid PRIMARY KEY,
        requested_by text NOT NULL,
        merchant_id uuid REFERENCES merchants (id),
        report text NOT NULL CHECK (report IN ('orders')),
        format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
        query jsonb NOT NULL,
        status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ready', 'failed')),
        rows bigint,
        bytes bigint,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE TABLE export_chunks (
        export_id uuid NOT NULL REFERENCES exports (id),
        seq integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (export_id, seq)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_chunks; DROP TABLE exports`);
  }
}
