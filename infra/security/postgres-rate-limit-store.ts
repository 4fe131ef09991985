import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { DataSource } from 'typeorm';

/**
 * An express-rate-limit store in PostgreSQL (`auth_failures`, owned by this module), so that every API process
 * counts against the same numbers. A fixed window per key: the first hit opens it, hits after its end start a new
 * one. Expired rows are swept now and then by the writes themselves.
 */
export class PostgresRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 15 * 60_000;

  constructor(
    private readonly dataSource: DataSource,
    /** Keeps the counters of different limiters apart in the one table. */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return (await this.getMany([key]))[0];
  }

  /** Several keys of this store in one round trip, in the order asked (undefined: no hits in the window). */
  async getMany(keys: string[]): Promise<Array<ClientRateLimitInfo | undefined>> {
    const rows: Array<{ key: string; hits: number; reset_at: Date }> = await this.dataSource.query(
      `SELECT key, hits, reset_at FROM auth_failures WHERE key = ANY($1::text[]) AND reset_at > now()`,
      [keys.map((k) => this.prefix + k)],
    );
    return keys.map((k) => {
      const row = rows.find((r) => r.key === this.prefix + k);
      return row ? { totalHits: row.hits, resetTime: row.reset_at } : undefined;
    });
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    if (Math.random() < 0.01) {
      await this.dataSource.query(`DELETE FROM auth_failures WHERE reset_at < now() - interval '1 hour'`);
    }
    const [row]: Array<{ hits: number; reset_at: Date }> = await this.dataSource.query(
      `INSERT INTO auth_failures AS f (key, hits, reset_at)
       VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN f.reset_at <= now() THEN 1 ELSE f.hits + 1 END,
         reset_at = CASE WHEN f.reset_at <= now() THEN excluded.reset_at ELSE f.reset_at END
       RETURNING hits, reset_at`,
      [this.prefix + key, this.windowMs],
    );
    return { totalHits: row!.hits, resetTime: row!.reset_at };
  }

  async decrement(key: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE auth_failures SET hits = greatest(hits - 1, 0) WHERE key = $1 AND reset_at > now()`,
      [this.prefix + key],
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM auth_failures WHERE key = $1`, [this.prefix + key]);
  }
}
