import type { DataSource } from 'typeorm';
import type { MerchantCallbackRequest, MerchantCallbackResult } from '../../domain/merchant-callback-contract';

/** Merchant callback delivery. (Being implemented: the signature is the contract.) */
export function merchantCallbackActivities(dataSource: DataSource) {
  return {
    async deliverMerchantCallback(_req: MerchantCallbackRequest): Promise<MerchantCallbackResult> {
      throw new Error(`deliverMerchantCallback is not implemented yet (${dataSource.options.type})`);
    },
  };
}
