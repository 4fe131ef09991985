import {
  ActionIcon,
  Alert,
  Button,
  Group,
  Menu,
  Modal,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ConfirmWithReasonDialog } from '../components/ConfirmWithReasonDialog';
import { MerchantSelect } from '../components/MerchantSelect';
import { merchantIdsOf, useMerchantNames } from '../components/useMerchantNames';
import { api, messageOf, type Schemas } from '../api/client';
import { isoOf, useLoad, when } from '../load';
import { useSession } from '../session';

/**
 * The Black list of seed 004, for operators (every merchant, admin API) and merchant users (their own, the
 * cabinet's API): By Merch and By Pipeline tabs, "+ Add new", filters, the ⋮ row menu with Update and Delete (a
 * reason is asked), Clear Filters. An entry is permanent until changed.
 */
type Entry = Schemas['BlacklistEntry'];
type Scope = 'merchant' | 'pipeline';
type RequisiteType = Entry['type'];
const TYPES: Array<{ value: RequisiteType; label: string }> = [
  { value: 'card', label: 'Card' },
  { value: 'email', label: 'Email' },
  { value: 'ip', label: 'IP' },
  { value: 'phone', label: 'Phone' },
  { value: 'payeerIdentifier', label: 'PayeerIdentifier' },
];
const typeLabel = (t: string) => TYPES.find((x) => x.value === t)?.label ?? t;
const NO_FILTERS = { merchantId: '', pipelineId: '', type: '', requisites: '', description: '', from: '', to: '' };
type Filters = typeof NO_FILTERS;

export function BlacklistScreen({ operator }: { operator: boolean }) {
  const { can } = useSession();
  const canWrite = can(operator ? 'admin:blacklist:write' : 'portal:blacklist:write');
  const [scope, setScope] = useState<Scope>('merchant');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [adding, setAdding] = useState(false);
  const [updating, setUpdating] = useState<Entry | null>(null);
  const [deleting, setDeleting] = useState<Entry | null>(null);

  const pipelines = usePipelines(operator, operator ? filters.merchantId : '');

  const entries = useLoad(async () => {
    const query = {
      scope,
      limit: 200,
      ...(filters.type ? { type: filters.type as RequisiteType } : {}),
      ...(filters.requisites ? { requisites: filters.requisites } : {}),
      ...(filters.description ? { description: filters.description } : {}),
      ...(filters.pipelineId ? { pipelineId: filters.pipelineId } : {}),
      ...(filters.from ? { createdFrom: isoOf(filters.from) } : {}),
      ...(filters.to ? { createdTo: isoOf(filters.to) } : {}),
    };
    if (operator) {
      // The requisites may be a card number: the search goes in a body, never in a URL.
      return api.POST('/api/v1/admin/blacklist/search', {
        body: { ...query, ...(filters.merchantId ? { merchantId: filters.merchantId } : {}) },
      });
    }
    return api.GET('/api/v1/portal/blacklist', { params: { query } });
  }, [operator, scope, filters]);

  const merchantNames = useMerchantNames(operator, merchantIdsOf(entries.data?.items));
  const merchantName = (id: string) => merchantNames.get(id) ?? id;

  const set = (field: keyof Filters) => (value: string | null) => setFilters((f) => ({ ...f, [field]: value ?? '' }));
  const pipelineName = (id: string | null) => pipelines.find((p) => p.id === id)?.name ?? id ?? '—';

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Black list</Title>
        <Button
          onClick={() => setAdding(true)}
          disabled={!canWrite}
          title={canWrite ? undefined : 'Your role cannot change the black list'}
        >
          + Add new
        </Button>
      </Group>
      <Tabs value={scope} onChange={(v) => setScope((v as Scope) ?? 'merchant')}>
        <Tabs.List>
          <Tabs.Tab value="merchant">By Merch</Tabs.Tab>
          <Tabs.Tab value="pipeline">By Pipeline</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <Group align="end" wrap="wrap" role="search" aria-label="Black-list filters">
        {operator && (
          <MerchantSelect
            value={filters.merchantId}
            onChange={(merchantId) => setFilters((f) => ({ ...f, merchantId, pipelineId: '' }))}
            clearable
            w={220}
          />
        )}
        {scope === 'pipeline' && (
          <Select
            label="Pipeline"
            data={pipelines.map((p) => ({ value: p.id, label: `${p.name} (${p.direction})` }))}
            value={filters.pipelineId || null}
            onChange={set('pipelineId')}
            clearable
            w={220}
          />
        )}
        <Select label="Type" data={TYPES} value={filters.type || null} onChange={set('type')} clearable w={170} />
        <TextInput
          label="Requisites"
          value={filters.requisites}
          onChange={(e) => set('requisites')(e.currentTarget.value)}
        />
        <TextInput
          label="Description"
          value={filters.description}
          onChange={(e) => set('description')(e.currentTarget.value)}
        />
        <TextInput
          label="Created from"
          type="datetime-local"
          value={filters.from}
          onChange={(e) => set('from')(e.currentTarget.value)}
        />
        <TextInput
          label="Created before"
          type="datetime-local"
          value={filters.to}
          onChange={(e) => set('to')(e.currentTarget.value)}
        />
        <Button variant="default" onClick={() => setFilters(NO_FILTERS)}>
          Clear Filters
        </Button>
      </Group>
      {entries.error && (
        <Alert color="red" role="alert">
          {entries.error}
        </Alert>
      )}
      <Table striped aria-label="Black-list entries">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Created</Table.Th>
            {operator && <Table.Th>Merchant</Table.Th>}
            {scope === 'pipeline' && <Table.Th>Pipeline</Table.Th>}
            <Table.Th>Type</Table.Th>
            <Table.Th>Requisites</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(entries.data?.items ?? []).map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{when(e.createdAt)}</Table.Td>
              {operator && <Table.Td>{merchantName(e.merchantId)}</Table.Td>}
              {scope === 'pipeline' && <Table.Td>{pipelineName(e.pipelineId)}</Table.Td>}
              <Table.Td>{typeLabel(e.type)}</Table.Td>
              <Table.Td>{e.requisites}</Table.Td>
              <Table.Td>{e.description ?? ''}</Table.Td>
              <Table.Td>
                <Menu position="bottom-end">
                  <Menu.Target>
                    <ActionIcon variant="subtle" aria-label={`Actions for ${e.requisites}`} disabled={!canWrite}>
                      ⋮
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item onClick={() => setUpdating(e)}>Update</Menu.Item>
                    <Menu.Item color="red" onClick={() => setDeleting(e)}>
                      Delete
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {entries.data && entries.data.items.length === 0 && <Text c="dimmed">No entries.</Text>}
      {adding && (
        <EntryForm
          operator={operator}
          scope={scope}
          onClose={(changed) => {
            setAdding(false);
            if (changed) entries.reload();
          }}
        />
      )}
      {updating && (
        <EntryForm
          operator={operator}
          scope={updating.scope}
          entry={updating}
          onClose={(changed) => {
            setUpdating(null);
            if (changed) entries.reload();
          }}
        />
      )}
      {deleting && (
        <DeleteForm
          operator={operator}
          entry={deleting}
          onClose={(changed) => {
            setDeleting(null);
            if (changed) entries.reload();
          }}
        />
      )}
    </Stack>
  );
}

/** The pipelines one may name: an operator's of the chosen merchant, a merchant user's own. */
function usePipelines(operator: boolean, merchantId: string) {
  const loaded = useLoad(async () => {
    if (operator) {
      if (!merchantId) return { data: { items: [] as Array<{ id: string; name: string; direction: string }> } };
      return api.GET('/api/v1/admin/pipelines', { params: { query: { merchantId } } });
    }
    return api.GET('/api/v1/portal/pipelines');
  }, [operator, merchantId]);
  return (loaded.data?.items ?? []) as Array<{ id: string; name: string; direction: string }>;
}

function EntryForm(props: { operator: boolean; scope: Scope; entry?: Entry; onClose: (changed: boolean) => void }) {
  const { operator, scope, entry } = props;
  const [merchantId, setMerchantId] = useState(entry?.merchantId ?? '');
  const [pipelineId, setPipelineId] = useState(entry?.pipelineId ?? '');
  const [type, setType] = useState<string>(entry?.type ?? 'card');
  const [requisites, setRequisites] = useState('');
  const [description, setDescription] = useState(entry?.description ?? '');
  const [error, setError] = useState<string | null>(null);
  const pipelines = usePipelines(operator, merchantId);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const owner = scope === 'merchant' ? { merchantId } : { pipelineId };
    const typed = { type: type as RequisiteType, ...(requisites ? { requisites } : {}) };
    let failed: unknown;
    if (entry) {
      // The type goes only with new requisites (or when changed, and the server asks for them).
      const body = { ...(requisites || type !== entry.type ? typed : {}), description: description || null };
      failed = operator
        ? (await api.PATCH('/api/v1/admin/blacklist/{id}', { params: { path: { id: entry.id } }, body })).error
        : (await api.PATCH('/api/v1/portal/blacklist/{id}', { params: { path: { id: entry.id } }, body })).error;
    } else {
      const body = { scope, type: type as RequisiteType, requisites, description: description || null };
      failed = operator
        ? (await api.POST('/api/v1/admin/blacklist', { body: { ...body, ...owner } })).error
        : (
            await api.POST('/api/v1/portal/blacklist', {
              body: { ...body, ...(scope === 'pipeline' ? { pipelineId } : {}) },
            })
          ).error;
    }
    if (failed) setError(messageOf(failed));
    else props.onClose(true);
  };

  return (
    <Modal
      opened
      onClose={() => props.onClose(false)}
      title={entry ? 'Update entry' : `Add new (${scope === 'merchant' ? 'By Merch' : 'By Pipeline'})`}
    >
      <form onSubmit={(e) => void save(e)}>
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {operator && !entry && <MerchantSelect value={merchantId} onChange={setMerchantId} required />}
          {scope === 'pipeline' && !entry && (
            <Select
              label="Pipeline"
              required
              data={pipelines.map((p) => ({ value: p.id, label: `${p.name} (${p.direction})` }))}
              value={pipelineId || null}
              onChange={(v) => setPipelineId(v ?? '')}
            />
          )}
          <Select
            label="Type"
            required
            data={TYPES}
            value={type}
            onChange={(v) => setType(v ?? 'card')}
            allowDeselect={false}
          />
          <TextInput
            label="Requisites"
            description={entry ? `Now ${entry.requisites}; leave empty to keep` : 'The value to block, as typed'}
            required={!entry}
            value={requisites}
            onChange={(e) => setRequisites(e.currentTarget.value)}
          />
          <Textarea label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <Group justify="end">
            <Button variant="default" onClick={() => props.onClose(false)}>
              Cancel
            </Button>
            <Button type="submit">Save</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteForm(props: { operator: boolean; entry: Entry; onClose: (changed: boolean) => void }) {
  const remove = async (reason: string) => {
    const params = { path: { id: props.entry.id }, query: { reason } };
    const { error: failed } = props.operator
      ? await api.DELETE('/api/v1/admin/blacklist/{id}', { params })
      : await api.DELETE('/api/v1/portal/blacklist/{id}', { params });
    return failed;
  };
  return (
    <ConfirmWithReasonDialog
      title={`Delete ${props.entry.requisites}`}
      color="red"
      explanation="The entry stops blocking at once; the reason is kept in the audit log."
      confirmLabel="Delete"
      onConfirm={remove}
      onClose={props.onClose}
    />
  );
}
