import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../../entities/data-source';
import { maskCardHolder } from '../../infra/security/card-fingerprint';
import { createThrowawayDatabase, undoMigrationsThrough } from '../helpers/database';
import { createMerchant, insertOrder } from '../helpers/operations-fixtures';

/** Orders written before the name on a card was masked are masked by the migration, exactly as the code masks. */
const NAMES = ['JANE PAYER', '  Jane  Q.  Payer ', 'Иван Петров', 'J*** P***', 'X'];

let drop: () => Promise<void>;
let ds: DataSource;
beforeAll(async () => {
  const database = await createThrowawayDatabase('mask_card_holders');
  drop = database.drop;
  ds = await createDataSource(database.url, { poolSize: 2 }).initialize();
});
afterAll(async () => {
  await ds?.destroy();
  await drop?.();
});

test('the migration masks every name already stored, as maskCardHolder does, and leaves masks as they are', async () => {
  await runMigrations(ds);
  await undoMigrationsThrough(ds, 'MaskCardHolders1764700000300');
  const merchantId = await createMerchant(ds);
  const ids: string[] = [];
  for (const name of NAMES) {
    const id = await insertOrder(ds, { merchantId, direction: 'deposit', amountMinor: 100 });
    await ds.query(`UPDATE orders SET card_holder = $2 WHERE id = $1`, [id, name]);
    ids.push(id);
  }
  await runMigrations(ds);
  const rows: Array<{ id: string; card_holder: string }> = await ds.query(
    `SELECT id, card_holder FROM orders WHERE id = ANY($1)`,
    [ids],
  );
  const stored = ids.map((id) => rows.find((r) => r.id === id)!.card_holder);
  expect(stored).toEqual(NAMES.map(maskCardHolder));
  expect(stored).toEqual(['J*** P***', 'J*** Q*** P***', 'И*** П***', 'J*** P***', 'X***']);
});
