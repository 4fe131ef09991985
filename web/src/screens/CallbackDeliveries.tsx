import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, messageOf, type Schemas } from '../api/client';
import { useLoad, when } from '../load';
import { useSession } from '../session';

type Delivery = Schemas['PortalCallbackDelivery'];
type Outcome = Delivery['outcome'];
type Filters = { orderId: string; outcome: Outcome | '' };
const EMPTY: Filters = { orderId: '', outcome: '' };
const PAGE = 50;

/** A random UUID (v4), also where crypto.randomUUID is missing (a page served over plain http off localhost). */
function requestKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * MerchHead: the callbacks the engine sent to my servers, newest first, each attempt a row; filters by order and
 * outcome. Owners and developers can send an order's callback again (the same signed body, as a new attempt).
 */
export function CallbackDeliveriesScreen() {
  const { can } = useSession();
  const canSend = can('portal:callbacks:write');
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [offset, setOffset] = useState(0);
  const [resending, setResending] = useState<Delivery | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [sends, setSends] = useState(0);
  const page = useLoad(
    () =>
      api.GET('/api/v1/portal/callbacks', {
        params: {
          query: {
            limit: PAGE,
            offset,
            ...(applied.orderId.trim() ? { orderId: applied.orderId.trim() } : {}),
            ...(applied.outcome ? { outcome: applied.outcome } : {}),
          },
        },
      }),
    [applied, offset],
  );
  const { reload } = page;
  // After a send, the list refreshes a few times so the new attempt appears without a click.
  useEffect(() => {
    if (sends === 0) return;
    const timers = [1000, 2500, 5000].map((ms) => setTimeout(reload, ms));
    return () => timers.forEach(clearTimeout);
  }, [sends]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied(draft);
    setOffset(0);
  };
  const clear = () => {
    setDraft(EMPTY);
    setApplied(EMPTY);
    setOffset(0);
  };

  return (
    <Stack>
      <Title order={2}>Callbacks</Title>
      <Text size="sm" c="dimmed">
        Every attempt to deliver an order&apos;s final status to your callback URL. Send again repeats the order&apos;s
        callback with the same event id and body, newly signed, as its next attempt.
      </Text>
      <form onSubmit={apply} aria-label="Callback filters">
        <Group align="end">
          <TextInput
            label="Order id"
            value={draft.orderId}
            onChange={(e) => {
              const orderId = e.currentTarget.value;
              setDraft((d) => ({ ...d, orderId }));
            }}
            w={320}
          />
          <Select
            label="Outcome"
            data={['delivered', 'failed']}
            value={draft.outcome || null}
            onChange={(v) => setDraft((d) => ({ ...d, outcome: (v as Outcome | null) ?? '' }))}
            clearable
            w={140}
          />
          <Button type="submit">Apply</Button>
          <Button variant="default" onClick={clear}>
            Clear Filters
          </Button>
          <Button variant="subtle" onClick={page.reload}>
            Refresh
          </Button>
        </Group>
      </form>
      {note && (
        <Alert color="green" role="status" withCloseButton onClose={() => setNote(null)}>
          {note}
        </Alert>
      )}
      {page.error && (
        <Alert color="red" role="alert">
          {page.error}
        </Alert>
      )}
      <Table striped aria-label="Callback deliveries">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Order</Table.Th>
            <Table.Th>URL host</Table.Th>
            <Table.Th>HTTP status</Table.Th>
            <Table.Th>Attempt</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Send again</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(page.data?.items ?? []).map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>{when(d.attemptedAt)}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/orders/${d.orderId}`}>
                  {d.orderId}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {d.externalTransactionId}
                </Text>
              </Table.Td>
              <Table.Td>{d.urlHost}</Table.Td>
              <Table.Td>{d.httpStatus ?? '—'}</Table.Td>
              <Table.Td>{d.attempt}</Table.Td>
              <Table.Td>
                <Badge color={d.outcome === 'delivered' ? 'green' : 'red'} variant="light">
                  {d.outcome}
                </Badge>
                {d.outcome === 'failed' && (
                  <Text size="xs" c="dimmed">
                    {d.code} {d.error}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="default"
                  disabled={!canSend}
                  onClick={() => setResending(d)}
                  aria-label={`Send again the callback of order ${d.orderId}, attempt ${d.attempt}`}
                >
                  Send again
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={page.data?.nextOffset == null}
          onClick={() => setOffset(page.data?.nextOffset ?? 0)}
        >
          Next page
        </Button>
      </Group>
      {resending && (
        <SendAgainDialog
          delivery={resending}
          onClose={(sent) => {
            setResending(null);
            if (sent) {
              setNote(`The callback of order ${resending.orderId} is being sent again; its attempt appears here.`);
              setSends((n) => n + 1);
            }
          }}
        />
      )}
    </Stack>
  );
}

/** Confirms a send; the request key is made when the dialog opens, so a double click on Send sends once. */
function SendAgainDialog(props: { delivery: Delivery; onClose: (sent: boolean) => void }) {
  const [key] = useState(requestKey);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setBusy(true);
    const { data, error: failed } = await api.POST('/api/v1/portal/callbacks/{id}/send-again', {
      params: { path: { id: props.delivery.orderId } },
      body: { requestKey: key },
    });
    setBusy(false);
    if (data) props.onClose(true);
    else setError(messageOf(failed));
  };
  return (
    <Modal opened onClose={() => props.onClose(false)} title="Send the callback again">
      <Stack>
        <Text size="sm">
          The callback of order {props.delivery.orderId} goes to {props.delivery.urlHost} again: the same event id and
          body, signed as always, recorded as a new attempt.
        </Text>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="end">
          <Button variant="default" onClick={() => props.onClose(false)}>
            Cancel
          </Button>
          <Button onClick={() => void send()} loading={busy} data-autofocus>
            Send
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
