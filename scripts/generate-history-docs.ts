/**
 * Renders docs/history-codes.md from the history-code catalog, so the document cannot drift from the code.
 *   node --import tsx scripts/generate-history-docs.ts           writes the file
 *   node --import tsx scripts/generate-history-docs.ts --check   exits 1 when the file differs from what it would write
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ACTORS,
  CLASS_DIGITS,
  EXTENSION_ACTION_Z,
  HISTORY_CODES,
  LEGACY_002_DECISIONS,
  LEGACY_Y_BY_STATUS,
  REASON_GROUPS,
  REASONS,
  STATUS_DIGITS,
  type Actor,
} from '../domain/history-codes';

/** Where the generated document lives. */
export const HISTORY_DOCS_PATH = join(__dirname, '..', 'docs', 'history-codes.md');

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const code = (text: string): string => (text ? `\`${text}\`` : '');
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${header.join(' | ')} |`,
  `| ${header.map(() => '---').join(' | ')} |`,
  ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
];

function grammar(): string[] {
  return [
    '## Grammar',
    '',
    '`A.C.B.RR`: **A** who caused the event, **C** what kind of event it was, **B** the payment status after the',
    'event, **RR** the reason (00: none). The status of an order is the B of its last code: when the engine',
    'cascades or retries after a failed attempt, the next code puts the payment back to `created`.',
    '',
    ...table(
      ['A', 'actor', 'label', 'meaning'],
      Object.entries(ACTORS).map(([actor, a]) => [String(a.digit), code(actor), a.label, a.description]),
    ),
    '',
    ...table(
      ['C', 'class'],
      Object.entries(CLASS_DIGITS).map(([c, digit]) => [String(digit), code(c)]),
    ),
    '',
    ...table(
      ['B', 'payment status', 'legacy Y'],
      Object.entries(STATUS_DIGITS).map(([s, digit]) => [
        String(digit),
        code(s),
        String(LEGACY_Y_BY_STATUS[s as keyof typeof LEGACY_Y_BY_STATUS]),
      ]),
    ),
  ];
}

function reasons(): string[] {
  return [
    '## Reasons',
    '',
    'RR is a reason group (tens digit) and a reason in it. Extensions (marked ext) follow the same grammar;',
    'the seed itself uses RR to tell apart events of one actor (USER 51–58), and so do the FLOW and LEDGER groups.',
    '',
    ...table(
      ['group', 'tens', 'meaning', ''],
      Object.entries(REASON_GROUPS).map(([g, r]) => [g, `${r.digit}x`, r.description, r.extension ? 'ext' : '']),
    ),
    '',
    ...table(
      ['RR', 'key', 'group', 'description', ''],
      [
        ['00', '(none: `reason: null`)', '', '', ''],
        ...Object.entries(REASONS).map(([rr, r]) => [
          rr,
          code(r.key),
          r.group,
          r.description,
          r.extension ? 'ext' : '',
        ]),
      ],
    ),
  ];
}

function codesOf(actor: Actor): string[] {
  const a = ACTORS[actor];
  const definitions = HISTORY_CODES.filter((d) => d.actor === actor);
  const notes = definitions.filter((d) => d.note).map((d) => `- ${code(d.code)}: ${d.note}`);
  return [
    `### ${a.digit} — ${a.label}: ${a.description}`,
    '',
    ...table(
      ['code', 'legacy (seed 001)', 'action', 'stage', 'status', 'reason', 'description', ''],
      definitions.map((d) => [
        code(d.code),
        d.legacy.map(code).join(', '),
        code(d.action),
        d.stage,
        d.status,
        d.reason ? code(d.reason) : '',
        d.description,
        d.extension ? 'ext' : '',
      ]),
    ),
    ...(notes.length ? ['', ...notes] : []),
  ];
}

function legacy(): string[] {
  const prefixes = new Map<string, number[]>();
  for (const d of HISTORY_CODES.filter((e) => e.extension)) {
    const [x, y, z, w] = d.action.split('.');
    const key = `${x}.${y}.${z}`;
    prefixes.set(key, [...(prefixes.get(key) ?? []), Number(w)]);
  }
  return [
    '## Legacy codes (`orderHistory[].action`)',
    '',
    'Each v2 code emits exactly one legacy code, its **action**. For a seed code it is the first legacy code seed 001',
    'lists. `2.0.0.0` stays shared by the gateway (`2.1.1.00`) and the payform (`3.1.1.00`), as in seed 001 (†):',
    'old integrations tell them apart by the legacy actor label; `fromLegacy("2.0.0.0")` returns both.',
    '',
    '### Extension range',
    '',
    `- X: the v2 actor digit. The merchant callback is \`6\`, as in seed 001 (which maps \`6.0.0.0\`), not seed 002's \`7\`.`,
    "- Y: seed 002's status after the event: `created`/`processing` 0, `success` 1, `failed` 2 (the table above).",
    `- Z: \`${EXTENSION_ACTION_Z}\`. Neither seed uses a Z above 3, so no extension action can be a code a partner has seen.`,
    '- W: 1, 2, 3, … per X.Y in the order the extensions were added; never renumbered.',
    '',
    ...table(
      ['prefix', 'W in use'],
      [...prefixes]
        .sort(([p], [q]) => p.localeCompare(q))
        .map(([prefix, ws]) => [code(`${prefix}.W`), ws.sort((p, q) => p - q).join(', ')]),
    ),
    '',
    '### Seed 002 reconciled',
    '',
    'Seed 001 is the later page and the reference. Every code seed 002 lists that 001 does not map has a decision:',
    "**alias**: `fromLegacy` reads it as the v2 code (the engine emits that code's own action); **not emitted**:",
    "neither read nor emitted. 002's patterns (`5.X.1.0`, `5.X.2.0`, `7.X.0.0`) are decided per value of X (0, 1, 2);",
    'the instances seed 001 maps are not repeated.',
    '',
    ...table(
      ['legacy', 'listed in 002 as', "002's description", 'decision', 'v2 code', 'why'],
      LEGACY_002_DECISIONS.map((d) => [
        code(d.legacy),
        code(d.listedAs),
        d.description002,
        d.decision,
        d.decision === 'alias' ? code(d.code) : '',
        d.why,
      ]),
    ),
  ];
}

/** The full text of docs/history-codes.md. */
export function renderHistoryDocs(): string {
  const lines = [
    '# History codes',
    '',
    '<!-- Generated from domain/history-codes/ by `node --import tsx scripts/generate-history-docs.ts`. Do not edit. -->',
    '',
    'Every step of an order appends a v2 history code; the API returns its legacy form in `orderHistory[].action`.',
    'Sources: seed 001 (v2 codes and the legacy mapping), seed 002 (the older legacy list). Codes the seeds lack are',
    'extensions (ext): same grammar, and legacy actions in a range the seeds never use.',
    '',
    ...grammar(),
    '',
    ...reasons(),
    '',
    '## Codes',
    '',
    ...(Object.keys(ACTORS) as Actor[]).flatMap((actor) => [...codesOf(actor), '']),
    ...legacy(),
  ];
  return `${lines.join('\n')}\n`;
}

function main(args: readonly string[]): void {
  const expected = renderHistoryDocs();
  if (args.includes('--check')) {
    const current = existsSync(HISTORY_DOCS_PATH) ? readFileSync(HISTORY_DOCS_PATH, 'utf8') : '';
    if (current !== expected) {
      console.error(`${HISTORY_DOCS_PATH} is stale: run node --import tsx scripts/generate-history-docs.ts`);
      process.exitCode = 1;
    }
    return;
  }
  mkdirSync(dirname(HISTORY_DOCS_PATH), { recursive: true });
  writeFileSync(HISTORY_DOCS_PATH, expected);
}

if (require.main === module) main(process.argv.slice(2));
