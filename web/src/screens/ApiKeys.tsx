import { Alert, Badge, Button, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, messageOf, type Schemas } from '../api/client';
import { ConfirmWithReasonDialog } from '../components/ConfirmWithReasonDialog';
import { ShownOnceSecret } from '../components/ShownOnceSecret';
import { useLoad, when } from '../load';
import { useSession } from '../session';

type Key = Schemas['PortalApiKey'];
type Scope = Key['scope'];
type Mode = Key['mode'];

/** Whether a key works: revoked keys not, rotated ones until their overlap ends (and may be revoked before). */
function stateOf(k: Key, now = Date.now()): { label: string; color: string; active: boolean; works: boolean } {
  if (k.revokedAt === null) return { label: 'active', color: 'green', active: true, works: true };
  if (Date.parse(k.revokedAt) > now)
    return { label: `rotated: works until ${when(k.revokedAt)}`, color: 'yellow', active: false, works: true };
  return { label: `revoked ${when(k.revokedAt)}`, color: 'gray', active: false, works: false };
}

/**
 * MerchHead: my merchant's API keys (for machines). Owners and developers issue, rotate and revoke; the secret of a
 * new key is shown once. Finance and viewers see the list only (the server refuses the rest anyway).
 */
export function ApiKeysScreen() {
  const { can } = useSession();
  const canWrite = can('portal:keys:write');
  const keys = useLoad(() => api.GET('/api/v1/portal/keys'), []);
  const pipelines = useLoad(() => api.GET('/api/v1/portal/pipelines'), []);
  const [shown, setShown] = useState<{ title: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [scope, setScope] = useState<Scope>('deposit');
  const [mode, setMode] = useState<Mode>('sandbox');
  const [pipelineId, setPipelineId] = useState<string | null>(null);
  const [label, setLabel] = useState('');
  const [rotating, setRotating] = useState<Key | null>(null);
  const [revoking, setRevoking] = useState<Key | null>(null);
  const pipelineName = (id: string | null) =>
    id === null ? 'oldest of its kind' : (pipelines.data?.items.find((p) => p.id === id)?.name ?? id);
  const name = (k: Key) => k.label ?? k.keyPrefix;

  const issue = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body = {
      scope,
      mode,
      ...(pipelineId ? { pipelineId } : {}),
      ...(label.trim() ? { label: label.trim() } : {}),
    };
    const { data, error: failed } = await api.POST('/api/v1/portal/keys', { body });
    if (!data) return setError(messageOf(failed));
    setShown({ title: `New ${mode} ${scope} key ${data.key.keyPrefix}`, secret: data.secret });
    setLabel('');
    keys.reload();
  };
  const rotate = async (k: Key) => {
    setError(null);
    const { data, error: failed } = await api.POST('/api/v1/portal/keys/{id}/rotate', {
      params: { path: { id: k.id } },
    });
    setRotating(null);
    if (!data) return setError(messageOf(failed));
    setShown({ title: `New key ${data.key.keyPrefix} in place of ${k.keyPrefix}`, secret: data.secret });
    keys.reload();
  };
  const revoke = async (k: Key, reason: string) => {
    const { error: failed } = await api.POST('/api/v1/portal/keys/{id}/revoke', {
      params: { path: { id: k.id } },
      body: { reason },
    });
    return failed;
  };

  return (
    <Stack>
      <Title order={2}>API keys</Title>
      <Text size="sm" c="dimmed">
        Keys are for your servers (the merchant API). A deposit key works only on deposit paths, a payout key only on
        payout paths; sandbox keys reach only sandbox gateways. Rotating a key issues a new one and keeps the old one
        working for one hour; revoking stops a key at once. When a key was last used is not recorded.
      </Text>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {shown && <ShownOnceSecret title={shown.title} secret={shown.secret} onDismiss={() => setShown(null)} />}
      {canWrite && (
        <form onSubmit={(e) => void issue(e)} aria-label="Issue a key">
          <Group align="end">
            <Select
              label="Kind"
              data={['deposit', 'payout']}
              value={scope}
              onChange={(v) => {
                setScope((v as Scope) ?? 'deposit');
                setPipelineId(null);
              }}
              allowDeselect={false}
              w={120}
            />
            <Select
              label="Mode"
              data={['sandbox', 'live']}
              value={mode}
              onChange={(v) => setMode((v as Mode) ?? 'sandbox')}
              allowDeselect={false}
              w={120}
            />
            <Select
              label="Pipeline"
              placeholder="oldest of its kind"
              clearable
              data={(pipelines.data?.items ?? [])
                .filter((p) => p.direction === scope)
                .map((p) => ({ value: p.id, label: p.name }))}
              value={pipelineId}
              onChange={setPipelineId}
              w={200}
            />
            <TextInput label="Label" value={label} maxLength={200} onChange={(e) => setLabel(e.currentTarget.value)} />
            <Button type="submit">Issue key</Button>
          </Group>
        </form>
      )}
      {keys.error && (
        <Alert color="red" role="alert">
          {keys.error}
        </Alert>
      )}
      <Table striped aria-label="API keys">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <Table.Th>Label</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Mode</Table.Th>
            <Table.Th>Pipeline</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(keys.data?.items ?? []).map((k) => {
            const state = stateOf(k);
            return (
              <Table.Tr key={k.id}>
                <Table.Td>
                  <code>{k.keyPrefix}</code>
                </Table.Td>
                <Table.Td>{k.label ?? ''}</Table.Td>
                <Table.Td>{k.scope}</Table.Td>
                <Table.Td>{k.mode}</Table.Td>
                <Table.Td>{pipelineName(k.pipelineId)}</Table.Td>
                <Table.Td>{when(k.createdAt)}</Table.Td>
                <Table.Td>
                  <Badge color={state.color} variant="light">
                    {state.label}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button
                      size="xs"
                      variant="default"
                      disabled={!canWrite || !state.active}
                      onClick={() => setRotating(k)}
                      aria-label={`Rotate ${name(k)}`}
                    >
                      Rotate
                    </Button>
                    <Button
                      size="xs"
                      color="red"
                      variant="light"
                      disabled={!canWrite || !state.works}
                      onClick={() => setRevoking(k)}
                      aria-label={`Revoke ${name(k)}`}
                    >
                      Revoke
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {rotating && (
        <Modal opened onClose={() => setRotating(null)} title={`Rotate ${name(rotating)}`}>
          <Stack>
            <Text size="sm">
              A new key with the same kind, mode and pipeline is issued and shown once. The old key {rotating.keyPrefix}{' '}
              keeps working for one hour, so your servers can switch; then it stops.
            </Text>
            <Group justify="end">
              <Button variant="default" onClick={() => setRotating(null)}>
                Cancel
              </Button>
              <Button onClick={() => void rotate(rotating)} data-autofocus>
                Rotate
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
      {revoking && (
        <ConfirmWithReasonDialog
          title={`Revoke ${name(revoking)}`}
          color="red"
          explanation={`The key ${revoking.keyPrefix} stops working at once: every request with it is refused. This cannot be undone.`}
          confirmLabel="Revoke"
          onConfirm={(reason) => revoke(revoking, reason)}
          onClose={(done) => {
            setRevoking(null);
            if (done) keys.reload();
          }}
        />
      )}
    </Stack>
  );
}
