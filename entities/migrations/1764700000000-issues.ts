import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issues (tickets) of seed 000 and the one-time secrets that carry keys and test cards to them (issue 17;
 * docs/issues.md, docs/one-time-secrets.md). `issues`, `issue_comments` and `issue_attachments` are owned by
 * data/issues.ts, `one_time_secrets` by data/one-time-secrets.ts.
 *
 * The board stays fast at 100,000 issues: every filter has an index ending in the id (keyset paging walks it
 * newest first), and the free-text search a GIN index over the words of subject and description. Attachments are
 * bytea rows (at most 2 MiB each). A secret's row holds ciphertext the server cannot read: the key is only in
 * the link's fragment, which browsers never send.
 */
export class Issues1764700000000 implements MigrationInterface {
  name = 'Issues1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE issues (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants (id),
        created_by uuid NOT NULL REFERENCES users (id),
        owner_id uuid REFERENCES users (id),
        subject text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 200),
        description text NOT NULL CHECK (char_length(description) <= 20000),
        priority text NOT NULL CHECK (priority IN ('Low', 'Medium', 'High', 'Highest')),
        status text NOT NULL
          CHECK (status IN ('Draft', 'Development', 'Testing', 'Requires acceptance', 'Success')),
        source text NOT NULL CHECK (source IN ('Head', 'MerchHead', 'API', 'Integration')),
        source_fields jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX issues_merchant ON issues (merchant_id, id);
      CREATE INDEX issues_status ON issues (status, id);
      CREATE INDEX issues_owner ON issues (owner_id, id);
      CREATE INDEX issues_created_by ON issues (created_by, id);
      CREATE INDEX issues_created_at ON issues (created_at, id);
      CREATE INDEX issues_search ON issues USING gin (to_tsvector('simple', subject || ' ' || description));

      CREATE TABLE issue_comments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        issue_id bigint NOT NULL REFERENCES issues (id),
        author_id uuid NOT NULL REFERENCES users (id),
        kind text NOT NULL CHECK (kind IN ('comment', 'accept', 'send-back')),
        body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 10000),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX issue_comments_issue ON issue_comments (issue_id, created_at);

      CREATE TABLE issue_attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        issue_id bigint NOT NULL REFERENCES issues (id),
        uploaded_by uuid NOT NULL REFERENCES users (id),
        file_name text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 200),
        content_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 2097152),
        content bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX issue_attachments_issue ON issue_attachments (issue_id, created_at);

      CREATE TABLE one_time_secrets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ciphertext bytea NOT NULL,
        iv bytea NOT NULL,
        views_left integer NOT NULL CHECK (views_left >= 0),
        expires_at timestamptz NOT NULL,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX one_time_secrets_expires_at ON one_time_secrets (expires_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE one_time_secrets;
      DROP TABLE issue_attachments;
      DROP TABLE issue_comments;
      DROP TABLE issues;
    `);
  }
}
