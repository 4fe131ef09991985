/**
 * Row types for raw SQL, derived from the entities so that no table's columns are typed twice (docs/schema.md).
 * `RowOf<OrderEntity, 'id' | 'amountMinor', 'amountMinor'>` is `{ id: string; amount_minor: string }`: each listed
 * property under its column's snake_case name with the entity's type, except the bigint columns named in the third
 * argument, which node-postgres returns as strings (the entities turn them into numbers; raw SQL does not).
 */
export type RowOf<E, K extends keyof E & string, Bigint extends K = never> = {
  [P in K as SnakeCase<P>]: P extends Bigint ? (null extends E[P] ? string | null : string) : E[P];
};

/** `merchantId` → `merchant_id`: the naming the migrations use for every column. */
export type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;
