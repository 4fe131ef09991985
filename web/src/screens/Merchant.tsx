import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Loader,
  Modal,
  NumberInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, messageOf, type Schemas } from '../api/client';
import { DataTable } from '../components/DataTable';
import { FormDialog } from '../components/FormDialog';
import { moved, MoveButtons } from '../components/MoveButtons';
import { SecretShownOnce } from '../components/SecretShownOnce';
import { money, useLoad, when } from '../load';
import { useSession } from '../session';

type Pipeline = Schemas['Pipeline'];
type Direction = 'deposit' | 'payout';
const DIRECTIONS = ['deposit', 'payout'];
/** The pipeline choice that means no one pipeline: the whole merchant (a limit), any pipeline (a commission). */
const WHOLE = '*';
const orNull = (v: string | number) => (v === '' || v === undefined ? null : Number(v));

/**
 * Head: one merchant and what decides its orders (docs/admin-api.md) — its API keys (a new key is shown once),
 * pipelines with their routes (reorder with the up and down buttons) and cascade settings, limits and commissions.
 * What the operator's role may not change is not offered; the server refuses it anyway.
 */
export function MerchantScreen() {
  const { id = '' } = useParams();
  const merchant = useLoad(() => api.GET('/api/v1/admin/merchants/{id}', { params: { path: { id } } }), [id]);
  const pipelines = useLoad(() => api.GET('/api/v1/admin/pipelines', { params: { query: { merchantId: id } } }), [id]);
  if (merchant.error) {
    return (
      <Alert color="red" role="alert">
        {merchant.error}
      </Alert>
    );
  }
  if (!merchant.data) return <Loader aria-label="Loading" />;
  const list = pipelines.data?.items ?? [];
  return (
    <Stack>
      <Anchor component={Link} to="/merchants">
        ← Merchants
      </Anchor>
      <Title order={2}>{merchant.data.name}</Title>
      <Text c="dimmed">
        <Code>{merchant.data.id}</Code> · created {when(merchant.data.createdAt)}
      </Text>
      <Keys merchantId={id} pipelines={list} />
      <Pipelines merchantId={id} pipelines={list} error={pipelines.error} reload={pipelines.reload} />
      <Limits merchantId={id} pipelines={list} />
      <Commissions merchantId={id} pipelines={list} />
    </Stack>
  );
}

function DeleteButton(props: { what: string; onClick: () => void }) {
  return (
    <Button size="xs" variant="default" color="red" onClick={props.onClick}>
      Delete {props.what}
    </Button>
  );
}

function ErrorAlert({ error }: { error: string | null }) {
  return error ? (
    <Alert color="red" role="alert">
      {error}
    </Alert>
  ) : null;
}

function Keys({ merchantId, pipelines }: { merchantId: string; pipelines: Pipeline[] }) {
  const { can } = useSession();
  const keys = useLoad(
    () => api.GET('/api/v1/admin/merchants/{id}/keys', { params: { path: { id: merchantId } } }),
    [merchantId],
  );
  const [issuing, setIssuing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Schemas['AdminApiKey'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const writable = can('admin:merchants:write');
  const revoked = (k: Schemas['AdminApiKey']) => k.revokedAt !== null && new Date(k.revokedAt) <= new Date();
  const pipelineName = (pid: string | null) => pipelines.find((p) => p.id === pid)?.name ?? 'oldest of its direction';
  const revoke = async (keyId: string) => {
    const r = await api.POST('/api/v1/admin/keys/{id}/revoke', { params: { path: { id: keyId } } });
    setRevoking(null);
    setError(r.error ? messageOf(r.error) : null);
    keys.reload();
  };
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={3}>API keys</Title>
        {writable && <Button onClick={() => setIssuing(true)}>Issue a key</Button>}
      </Group>
      <ErrorAlert error={keys.error ?? error} />
      <DataTable
        label="API keys"
        rows={keys.data?.items ?? []}
        rowKey={(k) => k.id}
        columns={[
          { header: 'Key', cell: (k) => <Code>{k.keyPrefix}…</Code> },
          { header: 'Scope', cell: (k) => k.scope },
          { header: 'Mode', cell: (k) => k.mode },
          { header: 'Pipeline', cell: (k) => pipelineName(k.pipelineId) },
          { header: 'Label', cell: (k) => k.label ?? '—' },
          { header: 'Created', cell: (k) => when(k.createdAt) },
          {
            header: 'State',
            cell: (k) =>
              revoked(k) ? (
                <Badge color="gray">revoked</Badge>
              ) : k.revokedAt ? (
                <Badge color="yellow">until {when(k.revokedAt)}</Badge>
              ) : (
                <Badge color="green">active</Badge>
              ),
          },
          writable && {
            header: 'Actions',
            cell: (k) =>
              !revoked(k) && (
                <Button size="xs" variant="default" color="red" onClick={() => setRevoking(k)}>
                  Revoke {k.keyPrefix}
                </Button>
              ),
          },
        ]}
      />
      {issuing && (
        <IssueKeyForm
          merchantId={merchantId}
          pipelines={pipelines}
          onClose={(issued) => {
            setIssuing(false);
            if (issued) {
              setSecret(issued);
              keys.reload();
            }
          }}
        />
      )}
      {secret && <SecretShownOnce title="The new API key" secret={secret} onClose={() => setSecret(null)} />}
      {revoking && (
        <Modal opened onClose={() => setRevoking(null)} title={`Revoke ${revoking.keyPrefix}…`}>
          <Stack>
            <Text>The key stops working at once. The merchant needs another one to keep taking orders.</Text>
            <Group justify="end">
              <Button variant="default" onClick={() => setRevoking(null)}>
                Cancel
              </Button>
              <Button color="red" onClick={() => void revoke(revoking.id)} data-autofocus>
                Revoke
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}

function IssueKeyForm(props: { merchantId: string; pipelines: Pipeline[]; onClose: (secret: string | null) => void }) {
  const [scope, setScope] = useState<Direction>('deposit');
  const [mode, setMode] = useState<'sandbox' | 'live'>('sandbox');
  const [pipelineId, setPipelineId] = useState<string | null>(null);
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const r = await api.POST('/api/v1/admin/merchants/{id}/keys', {
      params: { path: { id: props.merchantId } },
      body: { scope, mode, ...(pipelineId ? { pipelineId } : {}), ...(label.trim() ? { label: label.trim() } : {}) },
    });
    if (r.error) setError(messageOf(r.error));
    else props.onClose(r.data.secret);
  };
  return (
    <FormDialog
      title="Issue an API key"
      error={error}
      submitLabel="Issue"
      onSubmit={submit}
      onClose={() => props.onClose(null)}
    >
      <Select
        label="Scope"
        data={DIRECTIONS}
        value={scope}
        onChange={(v) => setScope((v ?? 'deposit') as Direction)}
        allowDeselect={false}
      />
      <Select
        label="Mode"
        data={['sandbox', 'live']}
        value={mode}
        onChange={(v) => setMode((v ?? 'sandbox') as 'sandbox' | 'live')}
        allowDeselect={false}
      />
      <Select
        label="Pipeline"
        description="Empty: the merchant's oldest pipeline of the direction"
        data={props.pipelines.filter((p) => p.direction === scope).map((p) => ({ value: p.id, label: p.name }))}
        value={pipelineId}
        onChange={setPipelineId}
        clearable
      />
      <TextInput label="Label" value={label} onChange={(e) => setLabel(e.currentTarget.value)} />
    </FormDialog>
  );
}

function Pipelines(props: { merchantId: string; pipelines: Pipeline[]; error: string | null; reload: () => void }) {
  const { can } = useSession();
  const [name, setName] = useState('');
  const [direction, setDirection] = useState<Direction>('deposit');
  const [error, setError] = useState<string | null>(null);
  const writable = can('admin:routing:write');
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.POST('/api/v1/admin/pipelines', {
      body: { merchantId: props.merchantId, direction, name: name.trim() },
    });
    setError(r.error ? messageOf(r.error) : null);
    if (!r.error) {
      setName('');
      props.reload();
    }
  };
  return (
    <Stack gap="xs">
      <Title order={3}>Pipelines and routes</Title>
      <ErrorAlert error={props.error ?? error} />
      {props.pipelines.map((p) => (
        <PipelineCard key={p.id} pipeline={p} writable={writable} reload={props.reload} />
      ))}
      {props.pipelines.length === 0 && <Text c="dimmed">No pipelines yet.</Text>}
      {writable && (
        <form onSubmit={(e) => void create(e)} aria-label="New pipeline">
          <Group align="end">
            <TextInput
              label="New pipeline name"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <Select
              label="Direction"
              data={DIRECTIONS}
              value={direction}
              onChange={(v) => setDirection((v ?? 'deposit') as Direction)}
              allowDeselect={false}
              w={130}
            />
            <Button type="submit" variant="default">
              Add pipeline
            </Button>
          </Group>
        </form>
      )}
    </Stack>
  );
}

/** The route as PUT /pipelines/{id}/routes takes it, each route's conditions kept. */
const routeInput = (r: Pipeline['routes'][number]) => ({
  gatewayId: r.gatewayId,
  enabled: r.enabled,
  currency: r.currency,
  minAmountMinor: r.minAmountMinor,
  maxAmountMinor: r.maxAmountMinor,
  method: r.method,
});

function PipelineCard({ pipeline, writable, reload }: { pipeline: Pipeline; writable: boolean; reload: () => void }) {
  const gateways = useLoad(() => api.GET('/api/v1/admin/gateways'), []);
  const [cascadeEnabled, setCascadeEnabled] = useState(pipeline.cascadeEnabled);
  const [maxGateways, setMaxGateways] = useState<string | number>(pipeline.maxGateways ?? '');
  const [adding, setAdding] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const replace = async (routes: ReturnType<typeof routeInput>[]) => {
    setBusy(true);
    const r = await api.PUT('/api/v1/admin/pipelines/{id}/routes', {
      params: { path: { id: pipeline.id } },
      body: { routes },
    });
    setBusy(false);
    setError(r.error ? messageOf(r.error) : null);
    reload();
  };
  const saveCascade = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.PATCH('/api/v1/admin/pipelines/{id}', {
      params: { path: { id: pipeline.id } },
      body: { cascadeEnabled, maxGateways: orNull(maxGateways) },
    });
    setError(r.error ? messageOf(r.error) : null);
    reload();
  };
  const routes = pipeline.routes;
  const label = `${pipeline.name} (${pipeline.direction})`;
  return (
    <Card withBorder component="section" aria-label={`Pipeline ${pipeline.name}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>{label}</Title>
          <Code>{pipeline.id}</Code>
        </Group>
        <ErrorAlert error={error} />
        <DataTable
          label={`Route of ${pipeline.name}`}
          rows={routes.map((r, i) => ({ ...r, i }))}
          rowKey={(r) => r.id}
          columns={[
            { header: '#', cell: (r) => r.i + 1 },
            { header: 'Gateway', cell: (r) => r.gatewayName },
            { header: 'Conditions', cell: conditionsOf },
            {
              header: 'State',
              cell: (r) => (!r.enabled ? 'route off' : !r.gatewayEnabled ? 'gateway disabled' : 'on'),
            },
            writable && {
              header: 'Order',
              cell: (r) => (
                <MoveButtons
                  name={r.gatewayName}
                  index={r.i}
                  count={routes.length}
                  disabled={busy}
                  onMove={(from, to) => void replace(moved(routes, from, to).map(routeInput))}
                />
              ),
            },
          ]}
        />
        {routes.length === 0 && <Text c="dimmed">No gateways: its orders fail routing.</Text>}
        {writable && (
          <Group align="end">
            <Select
              label={`Add a gateway to ${pipeline.name}`}
              data={(gateways.data?.items ?? [])
                .filter((g) => !routes.some((r) => r.gatewayId === g.id))
                .map((g) => ({ value: g.id, label: `${g.name} (${g.mode})` }))}
              value={adding}
              onChange={setAdding}
              searchable
              w={300}
            />
            <Button
              variant="default"
              disabled={!adding || busy}
              onClick={() => {
                void replace([...routes.map(routeInput), { ...EMPTY_ROUTE, gatewayId: adding! }]);
                setAdding(null);
              }}
            >
              Add to the route
            </Button>
          </Group>
        )}
        <form onSubmit={(e) => void saveCascade(e)} aria-label={`Cascade settings of ${pipeline.name}`}>
          <Group align="end">
            <Switch
              label="Cascade to the next gateway"
              checked={cascadeEnabled}
              onChange={(e) => setCascadeEnabled(e.currentTarget.checked)}
              disabled={!writable}
            />
            <NumberInput
              label="At most this many gateways"
              description="Empty: no limit"
              min={1}
              max={50}
              value={maxGateways}
              onChange={setMaxGateways}
              disabled={!writable}
              w={220}
            />
            {writable && (
              <Button type="submit" variant="default">
                Save cascade settings
              </Button>
            )}
          </Group>
        </form>
      </Stack>
    </Card>
  );
}
/** A route's conditions in words. */
const conditionsOf = (r: Pipeline['routes'][number]) =>
  [
    r.currency,
    r.method,
    r.minAmountMinor !== null && `from ${r.minAmountMinor}`,
    r.maxAmountMinor !== null && `to ${r.maxAmountMinor}`,
  ]
    .filter(Boolean)
    .join(' · ') || 'any order';
const EMPTY_ROUTE = { enabled: true, currency: null, minAmountMinor: null, maxAmountMinor: null, method: null };

function Limits({ merchantId, pipelines }: { merchantId: string; pipelines: Pipeline[] }) {
  const { can } = useSession();
  const limits = useLoad(() => api.GET('/api/v1/admin/limits', { params: { query: { merchantId } } }), [merchantId]);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState({
    pipelineId: null as string | null,
    direction: 'deposit' as Direction,
    currency: '',
    minAmountMinor: '' as string | number,
    maxAmountMinor: '' as string | number,
    dailyVolumeMinor: '' as string | number,
    dailyCount: '' as string | number,
  });
  const writable = can('admin:limits:write');
  // The value is read at the event, not in the state update (React reuses the event object).
  const setField = (field: keyof typeof draft, value: unknown) => setDraft((d) => ({ ...d, [field]: value }));
  const owner = (l: Schemas['Limit']) =>
    l.scope === 'merchant' ? 'the merchant' : (pipelines.find((p) => p.id === l.pipelineId)?.name ?? l.pipelineId);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.POST('/api/v1/admin/limits', {
      body: {
        ...(draft.pipelineId ? { scope: 'pipeline', pipelineId: draft.pipelineId } : { scope: 'merchant', merchantId }),
        direction: draft.direction,
        currency: draft.currency.trim().toUpperCase(),
        minAmountMinor: orNull(draft.minAmountMinor),
        maxAmountMinor: orNull(draft.maxAmountMinor),
        dailyVolumeMinor: orNull(draft.dailyVolumeMinor),
        dailyCount: orNull(draft.dailyCount),
      },
    });
    setError(r.error ? messageOf(r.error) : null);
    limits.reload();
  };
  const remove = async (limitId: string) => {
    const r = await api.DELETE('/api/v1/admin/limits/{id}', { params: { path: { id: limitId } } });
    setError(r.error ? messageOf(r.error) : null);
    limits.reload();
  };
  const amount = (v: number | null, currency: string) => (v === null ? '—' : money(v, currency));
  return (
    <Stack gap="xs">
      <Title order={3}>Limits</Title>
      <ErrorAlert error={limits.error ?? error} />
      <DataTable
        label="Limits"
        rows={limits.data?.items ?? []}
        rowKey={(l) => l.id}
        columns={[
          { header: 'For', cell: owner },
          { header: 'Direction', cell: (l) => `${l.direction} ${l.currency}` },
          { header: 'Min', cell: (l) => amount(l.minAmountMinor, l.currency) },
          { header: 'Max', cell: (l) => amount(l.maxAmountMinor, l.currency) },
          { header: 'Daily volume', cell: (l) => amount(l.dailyVolumeMinor, l.currency) },
          { header: 'Daily count', cell: (l) => l.dailyCount ?? '—' },
          writable && {
            header: 'Actions',
            cell: (l) => <DeleteButton what="limit" onClick={() => void remove(l.id)} />,
          },
        ]}
      />
      {writable && (
        <form onSubmit={(e) => void add(e)} aria-label="New limit">
          <Group align="end" wrap="wrap">
            <Select
              label="Limit for"
              data={[
                { value: WHOLE, label: 'the merchant' },
                ...pipelines.map((p) => ({ value: p.id, label: p.name })),
              ]}
              value={draft.pipelineId ?? WHOLE}
              onChange={(v) => setDraft((d) => ({ ...d, pipelineId: v === WHOLE ? null : v }))}
              allowDeselect={false}
              w={180}
            />
            <Select
              label="Limit direction"
              data={DIRECTIONS}
              value={draft.direction}
              onChange={(v) => setDraft((d) => ({ ...d, direction: (v ?? 'deposit') as Direction }))}
              allowDeselect={false}
              w={130}
            />
            <TextInput
              label="Limit currency"
              required
              value={draft.currency}
              onChange={(e) => setField('currency', e.currentTarget.value)}
              w={120}
            />
            {(
              [
                ['minAmountMinor', 'Min (minor units)'],
                ['maxAmountMinor', 'Max (minor units)'],
                ['dailyVolumeMinor', 'Daily volume (minor units)'],
                ['dailyCount', 'Daily count'],
              ] as const
            ).map(([field, text]) => (
              <NumberInput
                key={field}
                label={text}
                min={0}
                value={draft[field]}
                onChange={(v) => setDraft((d) => ({ ...d, [field]: v }))}
                w={190}
              />
            ))}
            <Button type="submit" variant="default">
              Add limit
            </Button>
          </Group>
        </form>
      )}
    </Stack>
  );
}

function Commissions({ merchantId, pipelines }: { merchantId: string; pipelines: Pipeline[] }) {
  const { can } = useSession();
  const commissions = useLoad(
    () => api.GET('/api/v1/admin/commissions', { params: { query: { merchantId } } }),
    [merchantId],
  );
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState({
    pipelineId: WHOLE,
    direction: 'deposit' as Direction,
    currency: '',
    percent: '',
    fixedMinor: 0 as string | number,
  });
  const writable = can('admin:commissions:write');
  // The value is read at the event, not in the state update (React reuses the event object).
  const setField = (field: keyof typeof draft, value: unknown) => setDraft((d) => ({ ...d, [field]: value }));
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.POST('/api/v1/admin/commissions', {
      body: {
        merchantId,
        pipelineId: draft.pipelineId === WHOLE ? null : draft.pipelineId,
        direction: draft.direction,
        currency: draft.currency.trim() ? draft.currency.trim().toUpperCase() : null,
        percent: draft.percent.trim() || '0',
        fixedMinor: Number(draft.fixedMinor || 0),
      },
    });
    setError(r.error ? messageOf(r.error) : null);
    commissions.reload();
  };
  const remove = async (commissionId: string) => {
    const r = await api.DELETE('/api/v1/admin/commissions/{id}', { params: { path: { id: commissionId } } });
    setError(r.error ? messageOf(r.error) : null);
    commissions.reload();
  };
  return (
    <Stack gap="xs">
      <Title order={3}>Commissions</Title>
      <ErrorAlert error={commissions.error ?? error} />
      <DataTable
        label="Commissions"
        rows={commissions.data?.items ?? []}
        rowKey={(c) => c.id}
        columns={[
          { header: 'Pipeline', cell: (c) => pipelines.find((p) => p.id === c.pipelineId)?.name ?? 'any' },
          { header: 'Direction', cell: (c) => c.direction },
          { header: 'Currency', cell: (c) => c.currency ?? 'any' },
          { header: 'Percent', cell: (c) => `${c.percent} %` },
          { header: 'Fixed (minor units)', cell: (c) => c.fixedMinor },
          writable && {
            header: 'Actions',
            cell: (c) => <DeleteButton what="commission" onClick={() => void remove(c.id)} />,
          },
        ]}
      />
      {writable && (
        <form onSubmit={(e) => void add(e)} aria-label="New commission">
          <Group align="end" wrap="wrap">
            <Select
              label="Commission pipeline"
              data={[{ value: WHOLE, label: 'any' }, ...pipelines.map((p) => ({ value: p.id, label: p.name }))]}
              value={draft.pipelineId}
              onChange={(v) => setDraft((d) => ({ ...d, pipelineId: v ?? WHOLE }))}
              allowDeselect={false}
              w={180}
            />
            <Select
              label="Commission direction"
              data={DIRECTIONS}
              value={draft.direction}
              onChange={(v) => setDraft((d) => ({ ...d, direction: (v ?? 'deposit') as Direction }))}
              allowDeselect={false}
              w={160}
            />
            <TextInput
              label="Commission currency"
              description="Empty: any"
              value={draft.currency}
              onChange={(e) => setField('currency', e.currentTarget.value)}
              w={160}
            />
            <TextInput
              label="Percent"
              placeholder="2.5"
              value={draft.percent}
              onChange={(e) => setField('percent', e.currentTarget.value)}
              w={100}
            />
            <NumberInput
              label="Fixed (minor units)"
              min={0}
              value={draft.fixedMinor}
              onChange={(v) => setDraft((d) => ({ ...d, fixedMinor: v }))}
              w={160}
            />
            <Button type="submit" variant="default">
              Add commission
            </Button>
          </Group>
        </form>
      )}
    </Stack>
  );
}
