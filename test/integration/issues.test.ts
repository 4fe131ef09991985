import { randomUUID } from 'node:crypto';
import { SOURCE_FIELDS, type IssueSource } from '../../domain/issues';
import { shareSecret } from '../../domain/one-time-secret-crypto';
import { generateApiKey, generateOperatorKey } from '../../infra/security/api-keys';
import { expectStatus, useAdminApi } from '../helpers/admin-client';
import { sessionFetch, sourceFieldsFor } from '../helpers/issues';
import { invitedPerson, type SessionClient } from '../helpers/session-client';

/** Issue 17: the Issues board's API — Source rules, moves, comments, attachments, filters, isolation, audit. */

const ctx = useAdminApi();
const person = (role: string, merchantId?: string) => invitedPerson(ctx.api.baseUrl, ctx.admin, role, merchantId);
const newMerchant = async () =>
  (await expectStatus(ctx.admin.post('/api/v1/admin/merchants', { name: `merchant ${randomUUID()}` }), 201))
    .id as string;
const fakeLink = () => `/secrets/${randomUUID()}#${'k'.repeat(43)}`;
const links = () => ({ testApiKey: fakeLink(), prodApiKey: fakeLink(), testCard: fakeLink() });
const issueBody = (source: IssueSource, extra: Record<string, unknown> = {}) => ({
  subject: `Integration: 500 error on payout ${randomUUID()}`,
  description: 'Context: payouts\nExpected: success\nActual: 500',
  priority: 'High',
  source,
  sourceFields: sourceFieldsFor(source, links()),
  ...extra,
});
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

let merchantId: string;
let merchant: Awaited<ReturnType<typeof person>>;
let operator: Awaited<ReturnType<typeof person>>;
beforeAll(async () => {
  merchantId = await newMerchant();
  merchant = await person('developer', merchantId);
  operator = await person('operations');
});

const create = (client: SessionClient, body: unknown) => client.post('/api/v1/issues', body);

describe('Source: the server enforces each Source’s required fields', () => {
  test.each(Object.keys(SOURCE_FIELDS) as IssueSource[])(
    '%s: every required field, left out, is a 400 naming it',
    async (source) => {
      const full = issueBody(source);
      for (const f of SOURCE_FIELDS[source]) {
        const fields: Record<string, string> = { ...full.sourceFields };
        delete fields[f.name];
        const answer = await create(merchant.client, { ...full, sourceFields: fields });
        expect({ field: f.name, status: answer.status, named: answer.json.error.details }).toEqual({
          field: f.name,
          status: 400,
          named: [
            { field: `sourceFields.${f.name}`, message: expect.stringContaining(`required for Source ${source}`) },
          ],
        });
      }
      const created = await expectStatus(create(merchant.client, full), 201);
      expect(created).toMatchObject({ status: 'Draft', source, sourceFields: full.sourceFields, merchantId });
    },
  );

  test('no Source, an unknown Source field, or a wrong choice is a 400 naming the field', async () => {
    const { source: _dropped, ...noSource } = issueBody('Head');
    expect((await create(merchant.client, noSource)).json.error.details).toEqual([
      expect.objectContaining({ field: 'source' }),
    ]);
    const unknown = await create(merchant.client, issueBody('Head', { sourceFields: { module: 'x', gateway: 'y' } }));
    expect(unknown.json.error.details).toEqual([expect.objectContaining({ field: 'sourceFields.gateway' })]);
    const choice = await create(merchant.client, issueBody('API', { sourceFields: { docKind: 'novel' } }));
    expect(choice.json.error.details).toEqual([expect.objectContaining({ field: 'sourceFields.docKind' })]);
  });

  test('Integration key and card fields take a one-time secret link, never the secret itself', async () => {
    const body = issueBody('Integration');
    for (const [field, value] of [
      ['testApiKey', generateApiKey('deposit', 'sandbox')],
      ['prodApiKey', 'just-a-password'],
      ['testCard', '4242 4242 4242 4242'],
    ] as const) {
      const answer = await create(merchant.client, { ...body, sourceFields: { ...body.sourceFields, [field]: value } });
      expect(answer.status).toBe(400);
      expect(answer.json.error.details[0]).toMatchObject({
        field: `sourceFields.${field}`,
        message: expect.stringContaining('one-time secret'),
      });
      expect(JSON.stringify(answer.json)).not.toContain(value);
    }
  });
});

describe('secrets pasted in clear are refused with a hint', () => {
  test.each([
    ['a merchant key', () => `here is our key ${generateApiKey('payout', 'live')} thanks`],
    ['an operator key', () => `use ${generateOperatorKey()}`],
    ['a card number', () => 'test card 4111-1111-1111-1111 exp 12/30'],
  ])('%s in the description or a comment', async (_kind, text) => {
    const refused = await create(merchant.client, issueBody('Head', { description: text() }));
    expect([refused.status, refused.json.error.code]).toEqual([400, 'SECRET_IN_CLEAR']);
    expect(refused.json.error.message).toContain('one-time secret');
    const issue = await expectStatus(create(merchant.client, issueBody('Head')), 201);
    const comment = await operator.client.post(`/api/v1/issues/${issue.id}/comments`, { body: text() });
    expect([comment.status, comment.json.error.code]).toEqual([400, 'SECRET_IN_CLEAR']);
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM issue_comments WHERE issue_id = $1`, [issue.id]);
    expect(n).toBe(0);
  });

  test('numbers that are not cards (no Luhn) and ids pass', async () => {
    await expectStatus(
      create(merchant.client, issueBody('Head', { description: `Order 4111111111111112, id ${randomUUID()}` })),
      201,
    );
  });
});

describe('the board: moves, acceptance, comments, attachments, audit', () => {
  test('merchant files, operator develops and tests, merchant accepts; every change audited', async () => {
    const { fetch: f, csrfToken } = sessionFetch(merchant.client);
    const api = { baseUrl: ctx.api.baseUrl, csrfToken, fetch: f };
    const secretLinks = {
      testApiKey: await shareSecret(api, generateApiKey('deposit', 'sandbox')),
      prodApiKey: await shareSecret(api, 'prod key of the bank'),
      testCard: await shareSecret(api, '4111 1111 1111 1111 12/30 123'),
    };
    const created = await expectStatus(
      create(merchant.client, {
        ...issueBody('Integration'),
        ownerId: operator.userId,
        sourceFields: {
          ...sourceFieldsFor('Integration', secretLinks),
          apiDoc: 'attachment:api.pdf',
        },
        attachments: [
          {
            fileName: 'api.pdf',
            contentType: 'application/pdf',
            contentBase64: Buffer.from('%PDF-1.7 doc').toString('base64'),
          },
        ],
      }),
      201,
    );
    expect(created.attachments).toEqual([expect.objectContaining({ fileName: 'api.pdf', sizeBytes: 12 })]);
    expect(created.ownerEmail).toBe(operator.email);
    const id = created.id as string;
    const to = (client: SessionClient, status: string) => client.post(`/api/v1/issues/${id}/status`, { status });

    // Merchants do not develop; operators do not accept; no jumping over a column.
    expect((await to(merchant.client, 'Development')).status).toBe(403);
    expect((await to(operator.client, 'Testing')).status).toBe(409);
    await expectStatus(to(operator.client, 'Development'), 200);
    await expectStatus(to(operator.client, 'Testing'), 200);
    await expectStatus(operator.client.post(`/api/v1/issues/${id}/comments`, { body: 'tested on sandbox: ok' }), 201);
    await expectStatus(to(operator.client, 'Requires acceptance'), 200);
    expect((await to(operator.client, 'Success')).status).toBe(409);
    expect((await operator.client.post(`/api/v1/issues/${id}/accept`, {})).status).toBe(403);
    const accepted = await expectStatus(merchant.client.post(`/api/v1/issues/${id}/accept`, {}), 200);
    expect(accepted.issue.status).toBe('Success');
    expect(accepted.comment).toMatchObject({ kind: 'accept', body: 'OK', authorId: merchant.userId });
    expect((await merchant.client.patch(`/api/v1/issues/${id}`, { priority: 'Low' })).status).toBe(409);

    const detail = await expectStatus(merchant.client.get(`/api/v1/issues/${id}`), 200);
    expect(detail.comments.map((c: { kind: string }) => c.kind)).toEqual(['comment', 'accept']);
    const file = await expectStatus(
      merchant.client.get(`/api/v1/issues/${id}/attachments/${created.attachments[0].id}`),
      200,
    );
    expect(Buffer.from(file.contentBase64, 'base64').toString()).toBe('%PDF-1.7 doc');

    const audit: Array<{ entity_type: string; note: string | null; after: unknown }> = await ctx.ds.query(
      `SELECT entity_type, note, after FROM audit_log
       WHERE (entity_type = 'issue' AND entity_id = $1) OR after->>'issueId' = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((e) => [e.entity_type, e.note])).toEqual([
      ['issue', null],
      ['issue-attachment', null],
      ['issue', 'status Draft → Development'],
      ['issue', 'status Development → Testing'],
      ['issue-comment', null],
      ['issue', 'status Testing → Requires acceptance'],
      ['issue', 'status Requires acceptance → Success'],
      ['issue-comment', null],
    ]);
    // The audit log keeps the secret links without the keys that open them.
    for (const link of Object.values(secretLinks)) {
      expect(JSON.stringify(audit)).not.toContain(link.split('#')[1]);
    }
  });

  test('send back: what is wrong is a comment, and the issue goes back to Development', async () => {
    const { id } = await expectStatus(create(merchant.client, issueBody('MerchHead')), 201);
    for (const s of ['Development', 'Testing', 'Requires acceptance']) {
      await expectStatus(operator.client.post(`/api/v1/issues/${id}/status`, { status: s }), 200);
    }
    expect((await merchant.client.post(`/api/v1/issues/${id}/send-back`, {})).status).toBe(400);
    const back = await expectStatus(
      merchant.client.post(`/api/v1/issues/${id}/send-back`, { reason: 'Expected a CSV export, got nothing' }),
      200,
    );
    expect(back.issue.status).toBe('Development');
    expect(back.comment).toMatchObject({ kind: 'send-back', body: 'Expected a CSV export, got nothing' });
    expect((await merchant.client.post(`/api/v1/issues/${id}/send-back`, { reason: 'again' })).status).toBe(409);
  });

  test('attachments: type, content and size limits; stored in PostgreSQL', async () => {
    const { id } = await expectStatus(create(merchant.client, issueBody('Head')), 201);
    const attach = (a: object) => merchant.client.post(`/api/v1/issues/${id}/attachments`, a);
    const png = { fileName: 'shot.png', contentType: 'image/png', contentBase64: PNG.toString('base64') };
    const stored = await expectStatus(attach(png), 201);
    const [row] = await ctx.ds.query(`SELECT content, size_bytes FROM issue_attachments WHERE id = $1`, [
      stored.attachment.id,
    ]);
    expect(Buffer.compare(row.content, PNG)).toBe(0);
    expect(row.size_bytes).toBe(PNG.length);
    // A body far over the rest of the API's 100 kB: these paths take files up to 2 MiB.
    const oneMiB = Buffer.concat([PNG, Buffer.alloc(1024 * 1024, 1)]);
    const large = await expectStatus(attach({ ...png, contentBase64: oneMiB.toString('base64') }), 201);
    expect(large.attachment.sizeBytes).toBe(oneMiB.length);
    expect((await attach({ ...png, contentType: 'application/x-msdownload' })).status).toBe(400);
    expect((await attach({ ...png, contentType: 'image/jpeg' })).status).toBe(400); // a PNG is not a JPEG
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]);
    expect((await attach({ ...png, contentBase64: big.toString('base64') })).status).toBe(413);
  });

  test('owner must be an operator or a user of the merchant', async () => {
    const stranger = await person('owner', await newMerchant());
    const answer = await create(merchant.client, issueBody('Head', { ownerId: stranger.userId }));
    expect(answer.json.error.details).toEqual([expect.objectContaining({ field: 'ownerId' })]);
  });
});

describe('isolation and filters', () => {
  test("another merchant's issue is a 404 everywhere, and not on its board", async () => {
    const { id } = await expectStatus(create(merchant.client, issueBody('Head')), 201);
    const other = await person('owner', await newMerchant());
    for (const answer of [
      await other.client.get(`/api/v1/issues/${id}`),
      await other.client.patch(`/api/v1/issues/${id}`, { priority: 'Low' }),
      await other.client.post(`/api/v1/issues/${id}/comments`, { body: 'hello' }),
      await other.client.post(`/api/v1/issues/${id}/accept`, {}),
    ]) {
      expect(answer.status).toBe(404);
    }
    const board = await expectStatus(other.client.get(`/api/v1/issues?id=${id}`), 200);
    expect(board.items).toEqual([]);
    await expectStatus(operator.client.get(`/api/v1/issues/${id}`), 200);
  });

  test('filters: status, id, user, owner, created range, free text; keyset pages', async () => {
    const m = await newMerchant();
    const filer = await person('owner', m);
    const word = `zebra${randomUUID().slice(0, 8)}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = issueBody('Head', {
        subject: i === 2 ? `Cannot change status ${word}` : `Issue ${i}`,
        ...(i % 2 ? { ownerId: operator.userId } : {}),
      });
      made.push((await expectStatus(create(filer.client, body), 201)).id);
    }
    const ids = async (query: string) =>
      (await expectStatus(operator.client.get(`/api/v1/issues?merchantId=${m}&${query}`), 200)).items.map(
        (i: { id: string }) => i.id,
      );
    expect(await ids('')).toEqual([...made].reverse());
    expect(await ids(`search=${word}`)).toEqual([made[2]]);
    expect(await ids(`owner=${operator.userId}`)).toEqual([made[3], made[1]]);
    expect(await ids(`user=${filer.userId}&status=Draft`)).toEqual([...made].reverse());
    expect(await ids('status=Testing')).toEqual([]);
    expect(await ids(`id=${made[4]}`)).toEqual([made[4]]);
    expect(await ids(`createdFrom=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)).toEqual([]);
    expect(await ids(`createdTo=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)).toHaveLength(5);

    const seen: string[] = [];
    let before: string | null = null;
    do {
      const page = await expectStatus(
        filer.client.get(`/api/v1/issues?limit=2${before ? `&before=${before}` : ''}`),
        200,
      );
      seen.push(...page.items.map((i: { id: string }) => i.id));
      before = page.nextBefore;
    } while (before);
    expect(seen).toEqual([...made].reverse());
  });

  test('the free-text search is answered from the issues_search GIN index', async () => {
    const plan: Array<{ 'QUERY PLAN': string }> = await ctx.ds.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      return tx.query(
        `EXPLAIN SELECT id FROM issues WHERE to_tsvector('simple', subject || ' ' || description) @@ websearch_to_tsquery('simple', 'zebra')`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('issues_search');
  });
});

test('the form: the description template and every Source’s fields', async () => {
  const form = await expectStatus(merchant.client.get('/api/v1/issues/form'), 200);
  expect(form.descriptionTemplate).toContain('Steps to reproduce');
  expect(Object.keys(form.sources)).toEqual(['Head', 'MerchHead', 'API', 'Integration']);
  expect(form.sources.Integration.map((f: { name: string }) => f.name)).toContain('testCard');
});
