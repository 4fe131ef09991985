import type { ValueTransformer } from 'typeorm';

/**
 * Money is stored as integer minor units in `bigint` columns. node-postgres returns bigint as a string; amounts
 * within Number.MAX_SAFE_INTEGER minor units (90 trillion dollars) are exact as numbers, and larger ones are refused.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => {
    if (value === null) return null;
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${value} exceeds the safe integer range`);
    return n;
  },
};

/** A black-list or limit row belongs to exactly one owner, the one its `scope` names (the `*_scope` checks). */
export const ONE_OWNER_BY_SCOPE = `(scope = 'merchant' AND merchant_id IS NOT NULL AND pipeline_id IS NULL) OR (scope = 'pipeline' AND pipeline_id IS NOT NULL AND merchant_id IS NULL)`;
