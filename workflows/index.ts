/** The workflows a worker registers. Workflow code only: deterministic, no I/O. */
export { deposit } from './deposit';
export { payout } from './payout';
export { exportFile } from './export';
export { resendMerchantCallback } from './callback-resend';
