import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { api, messageOf, type Schemas } from '../api/client';
import { DataTable } from '../components/DataTable';
import { FormDialog } from '../components/FormDialog';
import { useLoad, when } from '../load';
import { useSession } from '../session';

type Gateway = Schemas['Gateway'];
/** The connectors this build registers (gateways/index.ts); the server refuses any other. */
const CONNECTORS = ['sandbox', 'http-sim', 'stripe'];
/** Settings the connectors read as numbers. */
const NUMERIC = new Set(['timeoutMs', 'amountUpdateTolerancePercent']);
const settingValue = (key: string, value: string): unknown =>
  NUMERIC.has(key) && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : value;
const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Head: the gateway accounts (docs/admin-api.md, "Gateways"). Credentials are never shown back: the API answers
 * every setting not known to be public as `***`, so a setting is changed by typing its new value, and an empty field
 * leaves it as it is.
 */
export function GatewaysScreen() {
  const { can } = useSession();
  const gateways = useLoad(() => api.GET('/api/v1/admin/gateways'), []);
  const [editing, setEditing] = useState<Gateway | 'new' | null>(null);
  const writable = can('admin:gateways:write');
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Gateways</Title>
        {writable && <Button onClick={() => setEditing('new')}>Add a gateway</Button>}
      </Group>
      {gateways.error && (
        <Alert color="red" role="alert">
          {gateways.error}
        </Alert>
      )}
      <DataTable
        label="Gateways"
        rows={gateways.data?.items ?? []}
        rowKey={(g) => g.id}
        columns={[
          { header: 'Name', cell: (g) => g.name },
          { header: 'Code', cell: (g) => <Code>{g.code}</Code> },
          { header: 'Connector', cell: (g) => g.connector },
          { header: 'Mode', cell: (g) => g.mode },
          {
            header: 'State',
            cell: (g) => (g.enabled ? <Badge color="green">enabled</Badge> : <Badge color="gray">disabled</Badge>),
          },
          {
            header: 'Settings',
            cell: (g) =>
              Object.entries(g.settings).map(([k, v]) => (
                <Text key={k} size="sm">
                  {k}: <Code>{shown(v)}</Code>
                </Text>
              )),
          },
          { header: 'Created', cell: (g) => when(g.createdAt) },
          writable && {
            header: 'Actions',
            cell: (g) => (
              <Button size="xs" variant="default" onClick={() => setEditing(g)}>
                Edit {g.name}
              </Button>
            ),
          },
        ]}
      />
      {editing && (
        <GatewayForm
          gateway={editing === 'new' ? null : editing}
          onClose={(changed) => {
            setEditing(null);
            if (changed) gateways.reload();
          }}
        />
      )}
    </Stack>
  );
}

function GatewayForm(props: { gateway: Gateway | null; onClose: (changed: boolean) => void }) {
  const g = props.gateway;
  const [name, setName] = useState(g?.name ?? '');
  const [code, setCode] = useState('');
  const [connector, setConnector] = useState('sandbox');
  const [mode, setMode] = useState<'sandbox' | 'live'>('sandbox');
  const [enabled, setEnabled] = useState(g?.enabled ?? true);
  // Existing settings: a new value, '' to keep, null to remove. New settings: key and value rows.
  const [changes, setChanges] = useState<Record<string, string | null>>({});
  const [added, setAdded] = useState<Array<{ key: string; value: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const settings = () => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) out[k] = null;
      else if (v !== '') out[k] = settingValue(k, v);
    }
    for (const { key, value } of added) if (key.trim()) out[key.trim()] = settingValue(key.trim(), value);
    return out;
  };
  const submit = async () => {
    const r = g
      ? await api.PATCH('/api/v1/admin/gateways/{id}', {
          params: { path: { id: g.id } },
          body: { name: name.trim(), enabled, ...(Object.keys(settings()).length ? { settings: settings() } : {}) },
        })
      : await api.POST('/api/v1/admin/gateways', {
          body: { code: code.trim(), name: name.trim(), connector, mode, enabled, settings: settings() },
        });
    if (r.error) setError(messageOf(r.error));
    else props.onClose(true);
  };
  return (
    <FormDialog
      title={g ? `Edit ${g.name}` : 'Add a gateway'}
      size="lg"
      error={error}
      submitLabel="Save"
      onSubmit={submit}
      onClose={() => props.onClose(false)}
    >
      <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
      {!g && (
        <>
          <TextInput
            label="Code"
            description="Lower-case letters, digits, '.', '_' or '-'"
            required
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
          />
          <Select
            label="Connector"
            data={CONNECTORS}
            value={connector}
            onChange={(v) => setConnector(v ?? 'sandbox')}
            allowDeselect={false}
          />
          <Select
            label="Mode"
            data={['sandbox', 'live']}
            value={mode}
            onChange={(v) => setMode((v ?? 'sandbox') as 'sandbox' | 'live')}
            allowDeselect={false}
          />
        </>
      )}
      <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
      {g &&
        Object.entries(g.settings).map(([k, v]) =>
          changes[k] === null ? (
            <Group key={k}>
              <Text size="sm">{k}: removed on save</Text>
              <Button size="xs" variant="subtle" onClick={() => setChanges(({ [k]: _, ...rest }) => rest)}>
                Keep {k}
              </Button>
            </Group>
          ) : (
            <Group key={k} align="end">
              <TextInput
                label={`Setting ${k}`}
                description={`Now ${shown(v)}; empty keeps it`}
                value={changes[k] ?? ''}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setChanges((c) => ({ ...c, [k]: value }));
                }}
                style={{ flex: 1 }}
              />
              <Button variant="default" onClick={() => setChanges((c) => ({ ...c, [k]: null }))}>
                Remove {k}
              </Button>
            </Group>
          ),
        )}
      {added.map((row, i) => (
        <Group key={i} align="end">
          <TextInput
            label={`New setting ${i + 1} name`}
            value={row.key}
            onChange={(e) => {
              const key = e.currentTarget.value;
              setAdded((a) => a.map((r, j) => (j === i ? { ...r, key } : r)));
            }}
          />
          <TextInput
            label={`New setting ${i + 1} value`}
            value={row.value}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setAdded((a) => a.map((r, j) => (j === i ? { ...r, value } : r)));
            }}
            style={{ flex: 1 }}
          />
          <ActionIcon
            variant="default"
            aria-label={`Drop new setting ${i + 1}`}
            onClick={() => setAdded((a) => a.filter((_, j) => j !== i))}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Button variant="subtle" onClick={() => setAdded((a) => [...a, { key: '', value: '' }])}>
        Add a setting
      </Button>
    </FormDialog>
  );
}
