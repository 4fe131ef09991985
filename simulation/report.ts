import path from 'node:path';
import { formatAmount } from './scenario';
import type { SimulationResult } from './run';
import { formatOffset, timelineLines } from './timeline';

/** The printed report of a simulation: each order's timeline, then a summary with every failed expectation. */
export function formatReport(result: SimulationResult, opts: { timelines?: boolean } = {}): string {
  const { scenario } = result;
  const lines: string[] = [];
  lines.push(`Scenario: ${scenario.name}${scenario.file ? `  (${path.relative(process.cwd(), scenario.file)})` : ''}`);
  if (scenario.description) lines.push(...scenario.description.split('\n').map((l) => `  ${l}`));
  lines.push('');
  for (const o of result.orders) {
    const status = o.state?.status ?? 'did not finish';
    const verdict = o.failures.length ? 'FAIL' : 'ok';
    lines.push(
      `${o.plan.direction} ${o.plan.label}  ${formatAmount(o.plan.amountMinor, o.plan.currency)}  ` +
        `starts ${formatOffset(o.plan.atMs)}  → ${status}  [${verdict}]  ${o.workflowId}`,
    );
    if (opts.timelines !== false && o.state) {
      const gatewayName = (id: string) => result.gatewayNames.get(id);
      lines.push(...timelineLines(o.state.history, result.epochMs, gatewayName).map((l) => `  ${l}`));
    }
    for (const f of o.failures) lines.push(`  ✗ ${f}`);
    lines.push('');
  }
  for (const e of result.endpoints) {
    const answers = e.received.map((r) => `${formatOffset(r.atMs)} ${r.answer}`);
    lines.push(`endpoint ${e.name}: ${e.received.length} request(s)${answers.length ? `: ${answers.join(', ')}` : ''}`);
  }
  if (result.endpoints.length) lines.push('');

  const byStatus = new Map<string, number>();
  for (const o of result.orders) {
    const s = o.state?.status ?? 'unfinished';
    byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
  }
  const failed = result.orders.filter((o) => o.failures.length > 0);
  lines.push('Summary');
  lines.push(
    `  orders: ${result.orders.length} (${[...byStatus].map(([s, n]) => `${n} ${s}`).join(', ')}), ` +
      `${failed.length} with failed expectations`,
  );
  lines.push(
    `  simulated ${formatOffset(result.simulatedMs).slice(1)} in ${(result.wallMs / 1000).toFixed(1)} s of wall time`,
  );
  for (const o of failed) lines.push(`  ✗ ${o.plan.label}: ${o.failures.join('; ')}`);
  for (const f of result.failures) lines.push(`  ✗ ${f}`);
  lines.push(result.ok ? '  PASS: every expectation holds' : '  FAIL: some expectations do not hold');
  return lines.join('\n');
}
