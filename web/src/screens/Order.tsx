import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { ConfirmWithReasonDialog } from '../components/ConfirmWithReasonDialog';
import { DataTable } from '../components/DataTable';
import { money, useLoad, when } from '../load';
import { useSession } from '../session';

interface View {
  id: string;
  status: string;
  direction: string;
  amountMinor: number;
  currency: string;
  externalTransactionId: string;
  createdAt: string;
  merchantName: string | null;
  gatewayName: string | null;
  temporalUiUrl: string | null;
  history: Array<{
    seq: number;
    time: string;
    code: string;
    description: string;
    status: string;
    gatewayName: string | null;
    details: Record<string, unknown> | null;
  }>;
}

/** The operator actions of docs/admin-api.md ("Operator actions on an order"), as the order page offers them. */
type Action = 'recheck' | 'reconcile' | 'release';
const FINAL = new Set(['Success', 'Failed']);
const RECONCILIATION = '1.0.2.75';

/** Which actions the order's state allows (the workflow's validators decide in the end: a refusal is shown). */
export function actionsFor(o: Pick<View, 'status' | 'history'>): Action[] {
  if (FINAL.has(o.status)) return [];
  const inReconciliation = o.history.some((h) => h.code === RECONCILIATION);
  return inReconciliation ? ['recheck', 'reconcile', 'release'] : ['recheck', 'release'];
}

/** The PSP's own answer recorded with a step (`pspCode`, `pspMessage`), if any. */
function pspAnswer(details: Record<string, unknown> | null): string | null {
  const code = details?.pspCode;
  const message = details?.pspMessage;
  if (typeof code !== 'string' && typeof message !== 'string') return null;
  return [code, message].filter((v) => typeof v === 'string').join(': ');
}

/**
 * One order: its summary and the code timeline (code, the code in words, the gateway by name, details). Operators
 * also get the PSP's raw answer per step, the merchant-callback attempts, the workflow in the Temporal UI, and the
 * actions their role may take (recheck, reconcile, release) with a reason.
 */
export function OrderScreen({ operator }: { operator: boolean }) {
  const { id = '' } = useParams();
  const { can } = useSession();
  const [acting, setActing] = useState<Action | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const order = useLoad<View>(async () => {
    if (operator) {
      const r = await api.GET('/api/v1/admin/orders/{id}', { params: { path: { id } } });
      return { data: r.data, error: r.error };
    }
    const r = await api.GET('/api/v1/portal/orders/{id}', { params: { path: { id } } });
    return {
      data: r.data && {
        ...r.data,
        merchantName: null,
        gatewayName: null,
        temporalUiUrl: null,
        history: r.data.history.map((h) => ({ ...h, details: null })),
      },
      error: r.error,
    };
  }, [operator, id]);
  const callbacks = useLoad(
    async () =>
      operator ? api.GET('/api/v1/admin/orders/{id}/callbacks', { params: { path: { id } } }) : { data: undefined },
    [operator, id],
  );
  if (order.error) {
    return (
      <Alert color="red" role="alert">
        {order.error}
      </Alert>
    );
  }
  const o = order.data;
  if (!o) return <Loader aria-label="Loading" />;
  const actions = operator && can('admin:orders:write') ? actionsFor(o) : [];
  const closed = (label: string) => (ok: boolean) => {
    setActing(null);
    if (ok) {
      setDone(label);
      order.reload();
      callbacks.reload();
    }
  };
  return (
    <Stack>
      <Anchor component={Link} to="/orders">
        ← Orders
      </Anchor>
      <Title order={2}>
        Order <Code>{o.id}</Code>
      </Title>
      <Group>
        <Badge size="lg" color={o.status === 'Success' ? 'green' : o.status === 'Failed' ? 'red' : 'blue'}>
          {o.status}
        </Badge>
        <Text>
          {o.direction} {money(o.amountMinor, o.currency)}
        </Text>
        <Text>Merchant's id: {o.externalTransactionId}</Text>
        {o.merchantName && <Text>Merchant: {o.merchantName}</Text>}
        {o.gatewayName && <Text>Gateway: {o.gatewayName}</Text>}
        <Text c="dimmed">Created {when(o.createdAt)}</Text>
        {o.temporalUiUrl && (
          <Anchor href={o.temporalUiUrl} target="_blank" rel="noreferrer">
            Workflow in the Temporal UI
          </Anchor>
        )}
      </Group>
      {done && (
        <Alert color="green" role="status" withCloseButton onClose={() => setDone(null)}>
          {done}
        </Alert>
      )}
      {actions.length > 0 && (
        <Group aria-label="Operator actions" role="group">
          {actions.includes('recheck') && (
            <Button variant="default" onClick={() => setActing('recheck')}>
              Recheck
            </Button>
          )}
          {actions.includes('reconcile') && (
            <Button variant="default" onClick={() => setActing('reconcile')}>
              Reconcile
            </Button>
          )}
          {actions.includes('release') && (
            <Button variant="default" color="red" onClick={() => setActing('release')}>
              Release
            </Button>
          )}
        </Group>
      )}
      {acting === 'recheck' && (
        <ConfirmWithReasonDialog
          title="Recheck the payment at its gateway"
          explanation="The order asks its gateway about the payment now and records the answer."
          confirmLabel="Recheck"
          onConfirm={async (reason) =>
            (
              await api.POST('/api/v1/admin/orders/{orderId}/recheck', {
                params: { path: { orderId: o.id } },
                body: { reason },
              })
            ).error
          }
          onClose={closed('Rechecked: the timeline shows the answer.')}
        />
      )}
      {acting === 'reconcile' && <ReconcileDialog orderId={o.id} onClose={closed('Reconciled.')} />}
      {acting === 'release' && (
        <ConfirmWithReasonDialog
          title="Release the order"
          explanation="The order stops trying other gateways and settles truthfully: a payment in flight is resolved first; a payout's hold is released when it fails."
          confirmLabel="Release"
          color="red"
          onConfirm={async (reason) =>
            (
              await api.POST('/api/v1/admin/orders/{orderId}/cancel', {
                params: { path: { orderId: o.id } },
                body: { reason },
              })
            ).error
          }
          onClose={closed('Release requested: the order settles on its own.')}
        />
      )}
      <Title order={3}>Timeline</Title>
      <Table striped aria-label="Timeline">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Code</Table.Th>
            <Table.Th>What happened</Table.Th>
            <Table.Th>Gateway</Table.Th>
            <Table.Th>Status</Table.Th>
            {operator && <Table.Th>PSP answer</Table.Th>}
            {operator && <Table.Th>Details</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {o.history.map((h) => (
            <Table.Tr key={h.seq}>
              <Table.Td>{when(h.time)}</Table.Td>
              <Table.Td>
                <Code>{h.code}</Code>
              </Table.Td>
              <Table.Td>{h.description}</Table.Td>
              <Table.Td>{h.gatewayName ?? '—'}</Table.Td>
              <Table.Td>{h.status}</Table.Td>
              {operator && <Table.Td>{pspAnswer(h.details) ?? '—'}</Table.Td>}
              {operator && (
                <Table.Td>
                  {h.details && Object.keys(h.details).length > 0 ? (
                    <Code block>{JSON.stringify(h.details, null, 2)}</Code>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {operator && (
        <>
          <Title order={3}>Merchant callbacks</Title>
          {callbacks.error && (
            <Alert color="red" role="alert">
              {callbacks.error}
            </Alert>
          )}
          <DataTable
            label="Merchant callbacks"
            rows={callbacks.data?.items ?? []}
            rowKey={(c) => `${c.eventId}/${c.attempt}`}
            columns={[
              { header: 'Time', cell: (c) => when(c.attemptedAt) },
              { header: 'Attempt', cell: (c) => c.attempt },
              { header: 'To', cell: (c) => c.url },
              { header: 'Outcome', cell: (c) => c.outcome },
              { header: 'HTTP', cell: (c) => c.httpStatus ?? '—' },
              { header: 'Why it failed', cell: (c) => (c.code ? `${c.code} ${c.error ?? ''}` : '—') },
              { header: 'Took', cell: (c) => `${c.durationMs} ms` },
            ]}
          />
          {callbacks.data && callbacks.data.items.length === 0 && <Text c="dimmed">No callback attempts yet.</Text>}
        </>
      )}
    </Stack>
  );
}

/** Settling an order in reconciliation: what the gateway shows, its evidence, and why. */
function ReconcileDialog(props: { orderId: string; onClose: (done: boolean) => void }) {
  const [outcome, setOutcome] = useState<'success' | 'failed' | null>(null);
  const [evidence, setEvidence] = useState('');
  return (
    <ConfirmWithReasonDialog
      title="Reconcile on the gateway's evidence"
      explanation="Settles an order whose outcome is unknown past its deadline, on what the gateway shows."
      confirmLabel="Reconcile"
      ready={outcome !== null && evidence.trim() !== ''}
      onConfirm={async (reason) =>
        (
          await api.POST('/api/v1/admin/orders/{orderId}/resolve', {
            params: { path: { orderId: props.orderId } },
            body: { outcome: outcome!, evidence: evidence.trim(), reason },
          })
        ).error
      }
      onClose={props.onClose}
    >
      <Select
        label="What the gateway shows"
        required
        data={[
          { value: 'success', label: 'Paid (Success)' },
          { value: 'failed', label: 'Not paid (Failed)' },
        ]}
        value={outcome}
        onChange={(v) => setOutcome(v as 'success' | 'failed' | null)}
      />
      <TextInput
        label="Evidence"
        description="A reference, a report line"
        required
        value={evidence}
        onChange={(e) => setEvidence(e.currentTarget.value)}
      />
    </ConfirmWithReasonDialog>
  );
}
