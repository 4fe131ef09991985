import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The name on a card is personal data: orders keep it masked (each word's first letter, then ***), as
 * `maskCardHolder` writes it from now on; the card vault keeps the whole name for the gateway. Masking is
 * idempotent, so rows already masked stay as they are. There is no way down: the names are gone from this table.
 */
export class MaskCardHolders1764700000300 implements MigrationInterface {
  name = 'MaskCardHolders1764700000300';

  async up(q: QueryRunner): Promise<void> {
    // maskCardHolder in SQL: trimmed, one space between words, each word its first letter and ***.
    const masked = `regexp_replace(regexp_replace(regexp_replace(card_holder, '^\\s+|\\s+$', '', 'g'),
                                                  '\\s+', ' ', 'g'), '(\\S)\\S*', '\\1***', 'g')`;
    await q.query(
      `UPDATE orders SET card_holder = ${masked} WHERE card_holder IS NOT NULL AND card_holder <> ${masked}`,
    );
  }

  async down(): Promise<void> {
    // Nothing to undo: the masked names stay masked.
  }
}
