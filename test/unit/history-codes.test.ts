import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CODES,
  EXTENSION_ACTION_Z,
  HISTORY_CODES,
  LEGACY_002_DECISIONS,
  REASONS,
  findHistoryCode,
  fromLegacy,
  getHistoryCode,
  isHistoryCode,
  toLegacy,
  type HistoryCode,
} from '../../domain/history-codes';
import { HISTORY_DOCS_PATH, renderHistoryDocs } from '../../scripts/generate-history-docs';
import { PROJECT_ROOT } from '../../infra/paths';

// The grammar of docs/history-codes.md ("Grammar"), restated so the catalog is checked against it, not against itself.
const ACTOR_DIGIT: Record<string, number> = {
  PS: 1,
  GATEWAY_CREATE: 2,
  PAYFORM: 3,
  STATUS_CHECK: 4,
  GATEWAY_CALLBACK: 5,
  MERCHANT_CALLBACK: 6,
};
const ACTOR_LABELS: Record<string, readonly string[]> = {
  PS: ['PS |'],
  GATEWAY_CREATE: ['GW |'],
  PAYFORM: ['Payform |', 'Confirm |'],
  STATUS_CHECK: ['Check '],
  GATEWAY_CALLBACK: ['GW Callback |'],
  MERCHANT_CALLBACK: ['Merchant Callback |'],
};
const CLASS_DIGIT: Record<string, number> = { info: 0, success: 1, failure: 2 };
const CLASS_WORD: Record<string, string> = { info: 'INFO', success: 'SUCCESS', failure: 'FAILURE' };
const STATUS_DIGIT: Record<string, number> = { created: 1, processing: 2, success: 3, failed: 4 };
const GROUP_BY_TENS: Record<string, string> = {
  '1': 'TECH',
  '2': 'AUTHZ',
  '3': 'BUSINESS',
  '4': 'RISK',
  '5': 'USER',
  '6': 'ISSUER',
  '7': 'FLOW',
  '8': 'LEDGER',
};
const GRAMMAR_REASONS: Record<string, string> = {
  '11': 'TECH.TIMEOUT',
  '12': 'TECH.CONNECTION_FAIL',
  '13': 'TECH.SERVER_UNAVAILABLE',
  '14': 'TECH.INVALID_RESPONSE',
  '15': 'TECH.INVALID_REQUEST',
  '16': 'TECH.INVALID_SIGNATURE',
  '17': 'TECH.INVALID_PAYLOAD',
  '21': 'AUTHZ.401_UNAUTHORIZED',
  '22': 'AUTHZ.403_FORBIDDEN',
  '31': 'BUSINESS.BALANCE',
  '32': 'BUSINESS.LIMIT',
  '33': 'BUSINESS.CURRENCY',
  '34': 'BUSINESS.ROUTING_BLOCKED',
  '35': 'BUSINESS.AMOUNT_UPDATED',
  '41': 'RISK.ANTIFRAUD_HARD',
  '51': 'USER.PAGE_VISIT',
  '52': 'USER.PAGE_LEAVE',
  '53': 'USER.ENTER_PERSONAL_DATA',
  '54': 'USER.CLICK_CANCEL',
  '55': 'USER.CLICK_SUBMIT',
  '56': 'USER.3DS_FAILED',
  '57': 'USER.OTP_FAILED',
  '58': 'USER.LEAVE_ON_CONFIRM',
  '61': 'ISSUER.CARD_BLOCKED',
  '62': 'ISSUER.CARD_NOT_SUPPORTED',
  '63': 'ISSUER.INSUFFICIENT_FUNDS',
};
// Seed 002's Y: the status after the event.
const LEGACY_Y: Record<string, number> = { created: 0, processing: 0, success: 1, failed: 2 };

// Seed 001, row by row: legacy ID(s), v2 code, description (its U+2011 hyphen written '-'). This is the contract.
const SEED_001: readonly (readonly [readonly string[], string, string])[] = [
  [['1.0.0.0'], '1.1.1.00', 'PS | Create — SUCCESS | Payment:created'],
  [['1.2.1.4'], '1.2.4.31', 'PS | Pre-check — FAILURE [BUSINESS.BALANCE] | Payment:failed'],
  [['1.2.1.1'], '1.2.4.32', 'PS | Pre-check — FAILURE [BUSINESS.LIMIT] | Payment:failed'],
  [['1.2.1.2', '1.2.1.3'], '1.2.4.34', 'PS | Pre-check — FAILURE [BUSINESS.ROUTING_BLOCKED] | Payment:failed'],
  [['2.0.0.0'], '2.1.1.00', 'GW | Create — SUCCESS | Payment:created'],
  [['2.2.1.0'], '2.2.4.11', 'GW | Create — FAILURE [TECH.TIMEOUT] | Payment:failed'],
  [['2.2.1.1'], '2.2.4.12', 'GW | Create — FAILURE [TECH.CONNECTION_FAIL] | Payment:failed'],
  [['2.2.1.2'], '2.2.4.13', 'GW | Create — FAILURE [TECH.SERVER_UNAVAILABLE] | Payment:failed'],
  [['2.2.1.3'], '2.2.4.14', 'GW | Create — FAILURE [TECH.INVALID_RESPONSE] | Payment:failed'],
  [['2.2.1.4'], '2.2.4.15', 'GW | Create — FAILURE [TECH.INVALID_REQUEST] | Payment:failed'],
  [['2.2.2.1'], '2.2.4.21', 'GW | Create — FAILURE [AUTHZ.401_UNAUTHORIZED] | Payment:failed'],
  [['2.2.2.2'], '2.2.4.22', 'GW | Create — FAILURE [AUTHZ.403_FORBIDDEN] | Payment:failed'],
  [['2.2.3.1'], '2.2.4.31', 'GW | Create — FAILURE [BUSINESS.BALANCE] | Payment:failed'],
  [['2.2.3.2'], '2.2.4.32', 'GW | Create — FAILURE [BUSINESS.LIMIT] | Payment:failed'],
  [['2.2.3.3'], '2.2.4.33', 'GW | Create — FAILURE [BUSINESS.CURRENCY] | Payment:failed'],
  [
    ['2.0.0.0', '2.0.0.1', '2.0.1.0'],
    '3.1.1.00',
    'Payform | Create — SUCCESS | Payment:created (channel kept separately)',
  ],
  [['3.0.0.1', '3.0.1.1'], '3.0.1.00', 'Payform | Present — INFO | Payment:created'],
  [['3.0.1.2'], '3.0.1.51', 'Payform | Present — INFO [USER.PAGE_VISIT] | Payment:created'],
  [['3.0.1.3'], '3.0.1.52', 'Payform | Present — INFO [USER.PAGE_LEAVE] | Payment:created'],
  [['3.0.1.4'], '3.0.1.53', 'Payform | Present — INFO [USER.ENTER_PERSONAL_DATA] | Payment:created'],
  [['3.0.1.5'], '3.0.4.54', 'Payform | Present — INFO [USER.CLICK_CANCEL] | Payment:failed'],
  [['3.0.1.6'], '3.1.1.55', 'Payform | Present — SUCCESS [USER.CLICK_SUBMIT] | Payment:created'],
  [['3.0.2.1'], '3.2.4.56', 'Confirm | Verify — FAILURE [USER.3DS_FAILED] | Payment:failed'],
  [['3.0.2.2'], '3.2.4.57', 'Confirm | Verify — FAILURE [USER.OTP_FAILED] | Payment:failed'],
  [['3.0.2.3', '3.0.2.4'], '3.0.1.58', 'Confirm | Verify — INFO [USER.LEAVE_ON_CONFIRM] | Payment:created'],
  [['4.0.1.1'], '4.2.2.13', 'Check — FAILURE [TECH.SERVER_UNAVAILABLE] | Payment:processing'],
  [['4.0.1.2'], '4.2.2.15', 'Check — FAILURE [TECH.INVALID_REQUEST] | Payment:processing'],
  [['4.0.2.1'], '4.2.2.21', 'Check — FAILURE [AUTHZ.401_UNAUTHORIZED] | Payment:processing'],
  [['4.0.2.2'], '4.2.2.22', 'Check — FAILURE [AUTHZ.403_FORBIDDEN] | Payment:processing'],
  [['4.1.0.0'], '4.1.3.00', 'Check — SUCCESS | Payment:success'],
  [['4.2.0.0', '4.2.1.1'], '4.1.4.00', 'Check — SUCCESS | Payment:failed [UNSPECIFIED]'],
  [['4.2.1.2'], '4.1.4.61', 'Check — SUCCESS | Payment:failed [ISSUER.CARD_BLOCKED]'],
  [['4.2.1.3'], '4.1.4.62', 'Check — SUCCESS | Payment:failed [ISSUER.CARD_NOT_SUPPORTED]'],
  [['4.2.1.4'], '4.1.4.63', 'Check — SUCCESS | Payment:failed [ISSUER.INSUFFICIENT_FUNDS]'],
  [['4.2.2.2'], '4.1.4.41', 'Check — SUCCESS | Payment:failed [RISK.ANTIFRAUD_HARD]'],
  [['5.0.1.0'], '5.2.2.16', 'GW Callback | Receive — FAILURE [TECH.INVALID_SIGNATURE] | Payment:processing'],
  [['5.0.2.0'], '5.2.2.17', 'GW Callback | Receive — FAILURE [TECH.INVALID_PAYLOAD] | Payment:processing'],
  [['5.1.1.0'], '5.1.3.00', 'GW Callback | Receive — SUCCESS | Payment:success'],
  [['5.1.2.0'], '5.1.3.35', 'GW Callback | Receive — SUCCESS [BUSINESS.AMOUNT_UPDATED] | Payment:success'],
  [['6.0.0.0'], '6.1.1.00', 'Merchant Callback | Confirm — SUCCESS | Payment:created'],
];

// Seed 002's list as printed, patterns included.
const SEED_002: readonly (readonly [string, string])[] = [
  ['1.1.0.0', 'Payment created'],
  ['1.2.1.1', 'Payment failed: Configuration – Limit issue'],
  ['1.2.1.2', 'Payment failed: Configuration – Routing error'],
  ['1.2.1.3', 'Payment failed: Configuration – Routing error'],
  ['1.2.1.4', 'Payment failed: Configuration – No balance'],
  ['2.1.0.0', 'Payment created on gateway'],
  ['2.2.1.1', 'Payment failed: Tech – Failed connection'],
  ['2.2.1.2', 'Payment failed: Tech – Server unavailable'],
  ['2.2.1.3', 'Payment failed: Tech – Invalid response'],
  ['2.2.1.4', 'Payment failed: Tech – Invalid request'],
  ['2.2.2.1', 'Payment failed: Auth – Unauthorized (401)'],
  ['2.2.2.2', 'Payment failed: Auth – Forbidden (403)'],
  ['2.2.3.1', 'Payment failed: Configuration – No balance'],
  ['2.2.3.2', 'Payment failed: Configuration – Limit issue'],
  ['2.2.3.3', 'Payment failed: Configuration – GEO/currency/MCC'],
  ['3.0.0.1', 'External payform shown'],
  ['3.0.1.1', 'Internal payform shown'],
  ['3.0.1.2', 'User visited page'],
  ['3.0.1.3', 'User left page'],
  ['3.0.1.4', 'User entered personal data'],
  ['3.0.1.5', 'User cancelled manually'],
  ['3.0.1.6', 'User clicked "Pay"'],
  ['3.0.1.7', '3DS verification failed'],
  ['3.0.1.8', 'OTP verification failed'],
  ['3.0.1.9', 'User left during verification'],
  ['3.0.1.10', 'User left during verification'],
  ['4.0.1.1', 'Processing: Server unavailable'],
  ['4.0.1.2', 'Processing: Invalid request'],
  ['4.0.2.1', 'Processing: Unauthorized (401)'],
  ['4.0.2.2', 'Processing: Forbidden (403)'],
  ['4.1.0.0', 'Payment successful'],
  ['4.2.0.0', 'Payment failed'],
  ['4.2.1.1', 'Issuer: Declined without reason'],
  ['4.2.1.2', 'Issuer: Card blocked'],
  ['4.2.1.3', 'Issuer: Card not supported'],
  ['4.2.1.4', 'Issuer: Card no balance'],
  ['4.2.2.2', 'Acquirer: Declined by antifraud'],
  ['5.X.1.0', 'Callback: Status update — Success'],
  ['5.X.2.0', 'Callback: Amount update — Success'],
  ['5.0.1.0', 'Callback: Invalid signature'],
  ['5.0.2.0', 'Callback: Invalid payload'],
  ['7.X.0.0', 'Merchant callback confirmed'],
];

// X in 002's patterns takes the values of its Y digit.
const seed002Codes = SEED_002.flatMap(([listedAs, description]) =>
  (listedAs.includes('X') ? ['0', '1', '2'] : ['']).map((x) => ({
    legacy: x ? listedAs.replace('X', x) : listedAs,
    listedAs,
    description,
  })),
);
const seed001Legacy = new Set(SEED_001.flatMap(([legacy]) => legacy));
const seedLegacy = new Set([...seed001Legacy, ...seed002Codes.map((c) => c.legacy)]);
const codesOf = (list: readonly { code: string }[]): string[] => list.map((d) => d.code);

describe('history code catalog: grammar', () => {
  test.each(HISTORY_CODES.map((d) => [d.code, d] as const))('%s agrees with the grammar', (_code, d) => {
    const match = /^([1-6])\.([0-2])\.([1-4])\.(\d\d)$/.exec(d.code);
    expect(match).not.toBeNull();
    const [, a, c, b, rr] = match!;
    expect(Number(a)).toBe(ACTOR_DIGIT[d.actor]);
    expect(Number(c)).toBe(CLASS_DIGIT[d.class]);
    expect(Number(b)).toBe(STATUS_DIGIT[d.status]);
    if (rr === '00') {
      expect(d.reason).toBeNull();
    } else {
      expect(REASONS[rr as keyof typeof REASONS]?.key).toBe(d.reason);
      if (!d.extension) expect(GRAMMAR_REASONS[rr!]).toBe(d.reason);
    }
    expect(ACTOR_LABELS[d.actor]!.some((label) => d.description.startsWith(label))).toBe(true);
    expect(d.description).toContain(` — ${CLASS_WORD[d.class]}`);
    expect(d.description).toContain(`Payment:${d.status}`);
    if (d.reason) expect(d.description).toContain(`[${d.reason}]`);
    expect(d.stage).not.toBe('');
  });

  test('the reason table holds the grammar reasons and marks everything else as an extension', () => {
    for (const [rr, r] of Object.entries(REASONS)) {
      expect(r.key.startsWith(`${r.group}.`)).toBe(true);
      expect(GROUP_BY_TENS[rr[0]!]).toBe(r.group);
      expect(r.extension).toBe(GRAMMAR_REASONS[rr] === undefined);
      if (!r.extension) expect(r.key).toBe(GRAMMAR_REASONS[rr]);
    }
    for (const rr of Object.keys(GRAMMAR_REASONS)) expect(REASONS).toHaveProperty(rr);
    expect(REASONS['42']).toMatchObject({ key: 'RISK.BLACKLIST', group: 'RISK', extension: true });
  });

  test('every extension reason is used, and only by extensions', () => {
    for (const r of Object.values(REASONS).filter((x) => x.extension)) {
      const users = HISTORY_CODES.filter((d) => d.reason === r.key);
      expect(users.length).toBeGreaterThan(0);
      expect(users.every((d) => d.extension)).toBe(true);
    }
  });

  test('no two entries share a code', () => {
    const codes = codesOf(HISTORY_CODES);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('history code catalog: seed 001', () => {
  test('the seed codes are exactly the rows of seed 001', () => {
    expect(codesOf(HISTORY_CODES.filter((d) => !d.extension)).sort()).toEqual(SEED_001.map(([, c]) => c).sort());
  });

  test.each(SEED_001.map(([legacy, code, description]) => [code, legacy, description] as const))(
    '%s carries seed 001 legacy codes, description and action',
    (code, legacy, description) => {
      const d = getHistoryCode(code);
      expect(d.legacy).toEqual(legacy);
      expect(d.description).toBe(description);
      expect(d.action).toBe(legacy[0]);
      expect(d.extension).toBe(false);
    },
  );

  test.each(SEED_001.flatMap(([legacy, code]) => legacy.map((l) => [l, code] as const)))(
    'legacy %s maps to %s',
    (legacy, code) => {
      const found = codesOf(fromLegacy(legacy));
      if (legacy === '2.0.0.0') expect(found).toEqual(expect.arrayContaining([code]));
      else expect(found).toEqual([code]);
    },
  );

  test('2.0.0.0 stands for the gateway and the payform creation (seed 001 †)', () => {
    expect(codesOf(fromLegacy('2.0.0.0')).sort()).toEqual(['2.1.1.00', '3.1.1.00']);
  });
});

describe('history code catalog: seed 002', () => {
  test.each(seed002Codes.map((c) => [c.legacy, c] as const))('%s is mapped by 001 or decided', (legacy, c) => {
    const decisions = LEGACY_002_DECISIONS.filter((d) => d.legacy === legacy);
    if (seed001Legacy.has(legacy)) {
      expect(decisions).toEqual([]);
      return;
    }
    expect(decisions).toHaveLength(1);
    const [decision] = decisions;
    expect(decision).toMatchObject({ listedAs: c.listedAs, description002: c.description });
    expect(decision!.why.length).toBeGreaterThan(0);
    if (decision!.decision === 'alias') expect(codesOf(fromLegacy(legacy))).toEqual([decision!.code]);
    else expect(fromLegacy(legacy)).toEqual([]);
  });

  test('decisions cover only codes seed 002 lists', () => {
    const listed = new Set(seed002Codes.map((c) => c.legacy));
    for (const d of LEGACY_002_DECISIONS) expect(listed.has(d.legacy)).toBe(true);
  });

  test('the reconciliations the brief names are decided as documented', () => {
    const decided = Object.fromEntries(
      LEGACY_002_DECISIONS.map((d) => [d.legacy, d.decision === 'alias' ? d.code : d.decision]),
    );
    expect(decided).toEqual({
      '1.1.0.0': '1.1.1.00',
      '2.1.0.0': '2.1.1.00',
      '3.0.1.7': '3.2.4.56',
      '3.0.1.8': '3.2.4.57',
      '3.0.1.9': '3.0.1.58',
      '3.0.1.10': '3.0.1.58',
      '5.2.1.0': '5.1.4.00',
      '5.2.2.0': 'not emitted',
      '7.0.0.0': '6.1.1.00',
      '7.1.0.0': '6.1.3.00',
      '7.2.0.0': '6.1.4.00',
    });
  });
});

describe('history code catalog: extensions', () => {
  const extensions = HISTORY_CODES.filter((d) => d.extension);

  test.each(extensions.map((d) => [d.code, d] as const))('%s has an action in the extension range', (_code, d) => {
    expect(d.legacy).toEqual([]);
    expect(d.action).toBe(
      `${ACTOR_DIGIT[d.actor]}.${LEGACY_Y[d.status]}.${EXTENSION_ACTION_Z}.${d.action.split('.')[3]}`,
    );
    expect(EXTENSION_ACTION_Z).toBe(9);
    expect(Number(d.action.split('.')[3])).toBeGreaterThanOrEqual(1);
    expect(seedLegacy.has(d.action)).toBe(false);
  });

  test('extension actions are unique', () => {
    const actions = extensions.map((d) => d.action);
    expect(new Set(actions).size).toBe(actions.length);
  });

  test('the steps the seeds lack are covered', () => {
    const has = (code: string, fields: object) => expect(getHistoryCode(code)).toMatchObject(fields);
    has('1.2.4.42', { actor: 'PS', stage: 'Pre-check', class: 'failure', reason: 'RISK.BLACKLIST' });
    has('2.1.2.00', { actor: 'GATEWAY_CREATE', status: 'processing' });
    has('4.0.2.00', { actor: 'STATUS_CHECK', class: 'info', status: 'processing' });
    for (const reason of ['TECH.TIMEOUT', 'TECH.CONNECTION_FAIL', 'TECH.INVALID_RESPONSE'] as const) {
      expect(findHistoryCode({ actor: 'STATUS_CHECK', class: 'failure', status: 'processing', reason })).toBeDefined();
    }
    has('1.0.1.71', { actor: 'PS', stage: 'Cascade', class: 'info' });
    has('1.0.1.72', { actor: 'PS', stage: 'Retry' });
    has('1.2.4.73', { stage: 'Deadline', status: 'failed' });
    has('2.0.2.11', { class: 'info', status: 'processing', reason: 'TECH.TIMEOUT' });
    has('4.1.1.00', { actor: 'STATUS_CHECK', stage: 'Resolve' });
    has('1.1.1.81', { stage: 'Hold' });
    has('1.1.3.82', { stage: 'Settle', status: 'success' });
    has('1.1.4.83', { stage: 'Release', status: 'failed' });
    has('1.1.3.84', { stage: 'Ledger', status: 'success' });
    has('5.1.4.00', { actor: 'GATEWAY_CALLBACK', status: 'failed' });
    for (const status of ['success', 'failed'] as const) {
      const mc = { actor: 'MERCHANT_CALLBACK' } as const;
      expect(findHistoryCode({ ...mc, class: 'success', status, reason: null })).toBeDefined();
      for (const reason of [
        'TECH.TIMEOUT',
        'TECH.CONNECTION_FAIL',
        'TECH.SERVER_UNAVAILABLE',
        'TECH.INVALID_RESPONSE',
        'FLOW.RETRIES_EXHAUSTED',
      ] as const) {
        expect(findHistoryCode({ ...mc, class: 'failure', status, reason })).toBeDefined();
      }
    }
  });
});

describe('history code catalog: legacy round trips', () => {
  test.each(HISTORY_CODES.map((d) => [d.code, d] as const))('%s survives toLegacy then fromLegacy', (code, d) => {
    const back = fromLegacy(toLegacy(code));
    expect(back).toContain(d);
    if (d.extension) expect(back).toEqual([d]);
  });

  test('every legacy code fromLegacy knows maps to codes that emit or list it', () => {
    for (const legacy of seedLegacy) {
      for (const d of fromLegacy(legacy)) {
        const aliased = LEGACY_002_DECISIONS.some((x) => x.legacy === legacy && x.decision === 'alias');
        expect(d.legacy.includes(legacy as never) || d.action === legacy || aliased).toBe(true);
      }
    }
    expect(fromLegacy('9.9.9.9')).toEqual([]);
  });
});

describe('history code API', () => {
  test('HistoryCode is a closed union', () => {
    const created: HistoryCode = '1.1.1.00';
    // @ts-expect-error a typo is not a history code
    const typo: HistoryCode = '1.1.1.0';
    expect(isHistoryCode(created)).toBe(true);
    expect(isHistoryCode(typo)).toBe(false);
    expect(() => getHistoryCode(typo)).toThrow(/unknown history code/);
  });

  test('named codes mean what their names say', () => {
    expect(getHistoryCode(CODES.CREATED)).toMatchObject({ actor: 'PS', class: 'success', status: 'created' });
    expect(getHistoryCode(CODES.GATEWAY_CREATED)).toMatchObject({ actor: 'GATEWAY_CREATE', status: 'created' });
    expect(getHistoryCode(CODES.CHECK_SUCCESS)).toMatchObject({ actor: 'STATUS_CHECK', status: 'success' });
    expect(getHistoryCode(CODES.PRECHECK_BLACKLIST).reason).toBe('RISK.BLACKLIST');
    expect(getHistoryCode(CODES.CASCADE).reason).toBe('FLOW.CASCADE');
    expect(getHistoryCode(CODES.MERCHANT_CALLBACK_DELIVERED_FAILED)).toMatchObject({
      class: 'success',
      status: 'failed',
    });
    for (const code of Object.values(CODES)) expect(isHistoryCode(code)).toBe(true);
  });

  test('toLegacy emits the seed-001 legacy code', () => {
    expect(toLegacy('1.1.1.00')).toBe('1.0.0.0');
    expect(toLegacy('1.2.4.34')).toBe('1.2.1.2');
    expect(toLegacy('3.1.1.00')).toBe('2.0.0.0');
    expect(toLegacy('1.2.4.42')).toBe('1.2.9.1');
  });
});

describe('docs/history-codes.md', () => {
  test('is what the generator renders', () => {
    expect(readFileSync(HISTORY_DOCS_PATH, 'utf8')).toBe(renderHistoryDocs());
  });
});

describe('workflow code names history codes one way: through CODES', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
  const workflowFiles = sources(path.join(PROJECT_ROOT, 'workflows'));

  test('no catalog lookups (findHistoryCode) and no code literals in workflows/', () => {
    const found = workflowFiles.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${path.relative(PROJECT_ROOT, file)}:${i + 1}`, line }))
        .filter(({ line }) => /findHistoryCode\(|['"`]\d\.\d\.\d\.\d\d['"`]/.test(line))
        .map(({ where, line }) => `${where}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  test('every CODES entry is a catalog code', () => {
    for (const code of Object.values(CODES)) expect(isHistoryCode(code)).toBe(true);
  });
});
