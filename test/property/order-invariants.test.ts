import { checkTruthModelOnWorlds } from '../../simulation/fuzz/property';
import { useFuzzWorlds } from './fuzz-world';

/**
 * The order truth model as properties (docs/order-lifecycle.md): generated gateway behaviour — faults before and
 * after the gateway stored a payment, pending times across the deadline, callbacks on time, late, duplicated or
 * forged, routes of one to three gateways, deposits and payouts, amount updates, cancellations — runs on the
 * time-skipping server with the real workflows and activities; every order must satisfy I1–I7 and every closed
 * order's history must replay. Two worlds, each on its own server, share the cases: a case mostly waits for round
 * trips between the server, the worker and PostgreSQL. FUZZ_SEED (with FUZZ_WORLDS) reproduces a failing run;
 * `npm run simulate -- --fuzz N --worlds W` runs more.
 */
const CASES = Number(process.env['FUZZ_CASES'] ?? 500);
const WORLDS = Number(process.env['FUZZ_WORLDS'] ?? 2);

const worlds = useFuzzWorlds(WORLDS);

test(`${CASES} generated orders keep the truth model`, async () => {
  const seed = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : undefined;
  const report = await checkTruthModelOnWorlds(worlds(), { cases: CASES, ...(seed !== undefined ? { seed } : {}) });
  expect(report.cases).toBeGreaterThanOrEqual(CASES);
}, 1_800_000);
