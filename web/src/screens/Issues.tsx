import { DndContext, PointerSensor, useDraggable, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Menu,
  Modal,
  Paper,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, messageOf, type Schemas } from '../api/client';
import { CreatedRangeInputs } from '../components/CreatedRangeInputs';
import { isoOf, useLoad } from '../load';
import { useSession } from '../session';
import { IssueWizard, loadForm } from './IssueWizard';

/**
 * The Issues board (seed 000, docs/issues.md): five columns, cards moved by drag and drop or by each card's
 * "Move to…" menu (the keyboard way). Only the moves the signed-in person's kind may make are offered — operators
 * develop and test, the requester accepts or sends back — and the server refuses any other anyway. Filters, search
 * and paging are the server's.
 */
type Issue = Schemas['Issue'];
type Status = Issue['status'];
export const STATUSES: Status[] = ['Draft', 'Development', 'Testing', 'Requires acceptance', 'Success'];
export interface Move {
  to: Status;
  via: string;
}
const NO_FILTERS = { status: '', id: '', user: '', owner: '', from: '', to: '', search: '' };
type Filters = typeof NO_FILTERS;

/** The moves of an issue in `from` that a person of this kind may make (the form's transition table). */
export function movesFor(
  transitions: Array<{ from: string; to: string; by: string; via: string }> | undefined,
  from: Status,
  operator: boolean,
): Move[] {
  return (transitions ?? [])
    .filter((t) => t.from === from && t.by === (operator ? 'operator' : 'merchant'))
    .map((t) => ({ to: t.to as Status, via: t.via }));
}

/** Runs a move through its endpoint: `move` (status), `accept` ("OK") or `send-back` (with what is wrong). */
export async function runMove(id: string, move: Move, reason?: string): Promise<string | null> {
  const params = { path: { id } };
  const { error } =
    move.via === 'accept'
      ? await api.POST('/api/v1/issues/{id}/accept', { params, body: {} })
      : move.via === 'send-back'
        ? await api.POST('/api/v1/issues/{id}/send-back', { params, body: { reason: reason ?? '' } })
        : await api.POST('/api/v1/issues/{id}/status', { params, body: { status: move.to } });
  return error ? messageOf(error) : null;
}

export const moveLabel = (m: Move) =>
  m.via === 'accept' ? 'OK (accept)' : m.via === 'send-back' ? 'Send back to Development' : m.to;

/** Every person the board can name: the team, and whoever filed or owns an issue on the page. */
export function usePeople(issues: Issue[] | undefined) {
  const team = useLoad(() => api.GET('/api/v1/team/users', {}), []);
  return useMemo(() => {
    const people = new Map<string, string>();
    for (const u of team.data?.items ?? []) people.set(u.id, u.email);
    for (const i of issues ?? []) {
      people.set(i.createdBy, i.createdByEmail ?? i.createdBy);
      if (i.ownerId) people.set(i.ownerId, i.ownerEmail ?? i.ownerId);
    }
    return [...people].map(([value, label]) => ({ value, label }));
  }, [team.data, issues]);
}

export function IssuesScreen({ operator }: { operator: boolean }) {
  const { can } = useSession();
  const canWrite = can('issues:issues:write');
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [pages, setPages] = useState<string[]>([]);
  const [adding, setAdding] = useState(false);
  const [sendingBack, setSendingBack] = useState<Issue | null>(null);
  const [dragging, setDragging] = useState<Issue | null>(null);
  const [moveError, setMoveError] = useState<string | null>(null);
  const form = useLoad(loadForm, []);
  const before = pages[pages.length - 1];
  const board = useLoad(
    () =>
      api.GET('/api/v1/issues', {
        params: {
          query: {
            limit: 100,
            ...(filters.status ? { status: filters.status as Status } : {}),
            ...(filters.id ? { id: filters.id } : {}),
            ...(filters.user ? { user: filters.user } : {}),
            ...(filters.owner ? { owner: filters.owner } : {}),
            ...(filters.from ? { createdFrom: isoOf(filters.from) } : {}),
            ...(filters.to ? { createdTo: isoOf(filters.to) } : {}),
            ...(filters.search.trim() ? { search: filters.search.trim() } : {}),
            ...(before ? { before } : {}),
          },
        },
      }),
    [filters, before],
  );
  const people = usePeople(board.data?.items);
  const set = (field: keyof Filters) => (value: string | null) => {
    setPages([]);
    setFilters((f) => ({ ...f, [field]: value ?? '' }));
  };
  const moves = (i: Issue) => (canWrite ? movesFor(form.data?.transitions, i.status, operator) : []);
  const move = async (issue: Issue, m: Move) => {
    if (m.via === 'send-back') return setSendingBack(issue);
    setMoveError(await runMove(issue.id, m));
    board.reload();
  };
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Issues</Title>
        {!operator && (
          <Button onClick={() => setAdding(true)} disabled={!canWrite || !form.data}>
            Add issue
          </Button>
        )}
      </Group>
      <Group align="end" wrap="wrap" role="search" aria-label="Issue filters">
        <Select
          label="Status"
          data={STATUSES}
          value={filters.status || null}
          onChange={set('status')}
          clearable
          w={190}
        />
        <TextInput label="Issue ID" value={filters.id} onChange={(e) => set('id')(e.currentTarget.value)} w={110} />
        <Select label="User" data={people} value={filters.user || null} onChange={set('user')} clearable searchable />
        <Select
          label="Owner"
          data={people}
          value={filters.owner || null}
          onChange={set('owner')}
          clearable
          searchable
        />
        <CreatedRangeInputs from={filters.from} to={filters.to} onChange={(which, v) => set(which)(v)} />
        <TextInput label="Search" value={filters.search} onChange={(e) => set('search')(e.currentTarget.value)} />
        <Button
          variant="default"
          onClick={() => {
            setPages([]);
            setFilters(NO_FILTERS);
          }}
        >
          Clear Filters
        </Button>
      </Group>
      {(board.error || moveError) && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setMoveError(null)}>
          {board.error ?? moveError}
        </Alert>
      )}
      <DndContext
        sensors={sensors}
        onDragStart={(e) => setDragging(board.data?.items.find((i) => i.id === e.active.id) ?? null)}
        onDragCancel={() => setDragging(null)}
        onDragEnd={(e) => {
          const issue = dragging;
          setDragging(null);
          const m = issue && moves(issue).find((x) => x.to === e.over?.id);
          if (issue && m) void move(issue, m);
        }}
      >
        <ScrollArea>
          <SimpleGrid cols={5} miw={1000} spacing="sm">
            {STATUSES.map((status) => (
              <Column key={status} status={status} accepts={!!dragging && moves(dragging).some((m) => m.to === status)}>
                {(board.data?.items ?? [])
                  .filter((i) => i.status === status)
                  .map((i) => (
                    <Card key={i.id} issue={i} moves={moves(i)} onMove={(m) => void move(i, m)} />
                  ))}
              </Column>
            ))}
          </SimpleGrid>
        </ScrollArea>
      </DndContext>
      <Group>
        <Button variant="default" disabled={pages.length === 0} onClick={() => setPages((p) => p.slice(0, -1))}>
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={!board.data?.nextBefore}
          onClick={() => setPages((p) => [...p, board.data!.nextBefore!])}
        >
          Next page
        </Button>
      </Group>
      {adding && form.data && (
        <IssueWizard
          form={form.data}
          owners={people}
          onClose={() => setAdding(false)}
          onCreated={(issue) => navigate(`/issues/${issue.id}`)}
        />
      )}
      {sendingBack && (
        <SendBackDialog
          issue={sendingBack}
          onClose={() => setSendingBack(null)}
          onDone={() => {
            setSendingBack(null);
            board.reload();
          }}
        />
      )}
    </Stack>
  );
}

function Column({ status, accepts, children }: { status: Status; accepts: boolean; children: React.ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: status, disabled: !accepts });
  return (
    <Paper
      ref={setNodeRef}
      component="section"
      aria-label={status}
      withBorder
      p="xs"
      mih={300}
      bg={
        isOver && accepts ? 'var(--mantine-color-blue-light)' : accepts ? 'var(--mantine-color-gray-light)' : undefined
      }
    >
      <Title order={4} size="sm" mb="xs">
        {status}
      </Title>
      <Stack gap="xs">{children}</Stack>
    </Paper>
  );
}

function Card({ issue, moves, onMove }: { issue: Issue; moves: Move[]; onMove: (m: Move) => void }) {
  const { setNodeRef, listeners, transform, isDragging } = useDraggable({ id: issue.id, disabled: !moves.length });
  return (
    <Paper
      ref={setNodeRef}
      component="article"
      aria-label={`Issue ${issue.id}`}
      withBorder
      shadow={isDragging ? 'md' : 'xs'}
      p="xs"
      style={{
        transform: transform ? `translate(${transform.x}px, ${transform.y}px)` : undefined,
        zIndex: isDragging ? 10 : undefined,
        position: 'relative',
        cursor: moves.length ? 'grab' : undefined,
        touchAction: 'none',
      }}
      {...listeners}
    >
      <Group justify="space-between" wrap="nowrap" align="start">
        <Anchor component={Link} to={`/issues/${issue.id}`} size="sm">
          #{issue.id} {issue.subject}
        </Anchor>
        <Menu position="bottom-end">
          <Menu.Target>
            <ActionIcon variant="subtle" aria-label={`Move issue ${issue.id} to…`} disabled={!moves.length}>
              ⇄
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>Move to…</Menu.Label>
            {moves.map((m) => (
              <Menu.Item key={m.to + m.via} onClick={() => onMove(m)}>
                {moveLabel(m)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      <Group gap={4} mt={4}>
        <Badge size="xs" variant="light">
          {issue.source}
        </Badge>
        <Badge
          size="xs"
          variant="outline"
          color={issue.priority === 'Highest' || issue.priority === 'High' ? 'red' : 'gray'}
        >
          {issue.priority}
        </Badge>
      </Group>
      {issue.ownerEmail && (
        <Text size="xs" c="dimmed">
          Owner: {issue.ownerEmail}
        </Text>
      )}
    </Paper>
  );
}

/** The requester's "send back": what is wrong goes with it, as a comment. */
export function SendBackDialog({ issue, onClose, onDone }: { issue: Issue; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const failed = await runMove(issue.id, { to: 'Development', via: 'send-back' }, reason);
    if (failed) return setError(failed);
    onDone();
  };
  return (
    <Modal opened onClose={onClose} title={`Send issue ${issue.id} back`}>
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          <Textarea
            label="What is wrong"
            withAsterisk
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit">Send back</Button>
        </Stack>
      </form>
    </Modal>
  );
}
