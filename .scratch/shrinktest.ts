import fc from 'fast-check';
import { fuzzCaseArb } from '../simulation/fuzz/model';
const [c] = fc.sample(fuzzCaseArb.filter((c) => c.gateways.length === 3 && c.cancelAfterMs !== null), { seed: 3, numRuns: 1 });
console.log(JSON.stringify(c));
let runs = 0;
const r = fc.check(fc.property(fuzzCaseArb, (x) => { runs++; return !(x.gateways.length >= 2); }), { examples: [[c!]], numRuns: 1, seed: 1 });
console.log(runs, JSON.stringify(r.counterexample));
