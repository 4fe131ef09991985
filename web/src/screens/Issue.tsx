import { Alert, Anchor, Badge, Button, Group, List, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, fieldErrorsOf, messageOf, type Schemas } from '../api/client';
import { FileDropZone, readUpload } from '../components/FileDropZone';
import { useLoad, when } from '../load';
import { useSession } from '../session';
import { loadForm } from './IssueWizard';
import { moveLabel, movesFor, runMove, SendBackDialog, type Move } from './Issues';

/**
 * One issue (seed 000): its fields, comments, attachments (drop or choose; the limits are shown) and history. In
 * Requires acceptance the requester accepts ("OK") or sends it back with what is wrong; operators move it on.
 */
export function IssueScreen({ operator }: { operator: boolean }) {
  const { id = '' } = useParams();
  const { can } = useSession();
  const canWrite = can('issues:issues:write');
  const issue = useLoad(() => api.GET('/api/v1/issues/{id}', { params: { path: { id } } }), [id]);
  const form = useLoad(loadForm, []);
  const history = useLoad(
    async () =>
      operator && can('admin:audit:read')
        ? api.GET('/api/v1/admin/audit-log', { params: { query: { entityType: 'issue', entityId: id, limit: 100 } } })
        : { data: undefined },
    [operator, id, issue.data?.updatedAt],
  );
  const [sendingBack, setSendingBack] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const i = issue.data;
  if (issue.error) {
    return (
      <Alert color="red" role="alert">
        {issue.error}
      </Alert>
    );
  }
  if (!i) return <Text>Loading…</Text>;
  const moves = canWrite ? movesFor(form.data?.transitions, i.status, operator) : [];
  const move = async (m: Move) => {
    if (m.via === 'send-back') return setSendingBack(true);
    setActionError(await runMove(i.id, m));
    issue.reload();
  };
  const fieldLabel = (name: string) =>
    form.data?.sources[i.source]?.find((f) => f.name === name)?.label.replace(/\*.*$/, '') ?? name;

  return (
    <Stack>
      <Anchor component={Link} to="/issues" size="sm">
        ← Issues
      </Anchor>
      <Group justify="space-between">
        <Title order={2}>
          #{i.id} {i.subject}
        </Title>
        <Badge size="lg" data-testid="issue-status">
          {i.status}
        </Badge>
      </Group>
      {moves.length > 0 && (
        <Group aria-label="Moves">
          {moves.map((m) => (
            <Button key={m.to + m.via} variant={m.via === 'accept' ? 'filled' : 'default'} onClick={() => void move(m)}>
              {m.via === 'move' ? `Move to ${m.to}` : moveLabel(m)}
            </Button>
          ))}
        </Group>
      )}
      {actionError && (
        <Alert color="red" role="alert">
          {actionError}
        </Alert>
      )}
      <Table aria-label="Issue fields" withRowBorders={false} maw={900}>
        <Table.Tbody>
          {[
            ['Source', i.source],
            ['Priority', i.priority],
            ['Owner', i.ownerEmail ?? '—'],
            ['Filed by', i.createdByEmail ?? i.createdBy],
            ['Created', when(i.createdAt)],
            ['Updated', when(i.updatedAt)],
          ].map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={220}>{k}</Table.Th>
              <Table.Td>{v}</Table.Td>
            </Table.Tr>
          ))}
          {Object.entries(i.sourceFields).map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th>{fieldLabel(k)}</Table.Th>
              <Table.Td>
                {/^https?:\/\//.test(v) ? (
                  <Anchor href={v} target="_blank" rel="noreferrer noopener">
                    {v.includes('/secrets/') ? 'one-time secret link' : v}
                  </Anchor>
                ) : (
                  v
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Paper withBorder p="sm">
        <Title order={4}>Description</Title>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{i.description}</Text>
      </Paper>
      <Attachments issue={i} canWrite={canWrite} onChange={issue.reload} />
      <Comments issue={i} canWrite={canWrite} onChange={issue.reload} />
      {history.data && (
        <Stack gap="xs">
          <Title order={4}>History</Title>
          <Table aria-label="History">
            <Table.Tbody>
              {history.data.items.map((h) => (
                <Table.Tr key={h.id}>
                  <Table.Td>{when(h.occurredAt)}</Table.Td>
                  <Table.Td>{h.actor}</Table.Td>
                  <Table.Td>{h.action}</Table.Td>
                  <Table.Td>{h.note ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
      {sendingBack && (
        <SendBackDialog
          issue={i}
          onClose={() => setSendingBack(false)}
          onDone={() => {
            setSendingBack(false);
            issue.reload();
          }}
        />
      )}
    </Stack>
  );
}

/** A part of the issue page: the issue, whether the person may change it, and what to do after a change. */
interface PartProps {
  issue: Schemas['IssueDetail'];
  canWrite: boolean;
  onChange: () => void;
}

function Attachments({ issue, canWrite, onChange }: PartProps) {
  const [error, setError] = useState<string | null>(null);
  const upload = async (files: File[]) => {
    setError(null);
    for (const file of files) {
      const { error: err } = await api.POST('/api/v1/issues/{id}/attachments', {
        params: { path: { id: issue.id } },
        body: await readUpload(file),
      });
      if (err) setError(`${file.name}: ${messageOf(err)}`);
    }
    onChange();
  };
  const download = async (a: Schemas['IssueAttachment']) => {
    const { data } = await api.GET('/api/v1/issues/{id}/attachments/{attachmentId}', {
      params: { path: { id: issue.id, attachmentId: a.id } },
    });
    if (!data) return;
    const bytes = Uint8Array.from(atob(data.contentBase64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: a.contentType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = a.fileName;
    link.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Stack gap="xs">
      <Title order={4}>Attachments</Title>
      <List aria-label="Attachments">
        {issue.attachments.map((a) => (
          <List.Item key={a.id}>
            <Anchor component="button" type="button" onClick={() => void download(a)}>
              {a.fileName}
            </Anchor>{' '}
            <Text span size="xs" c="dimmed">
              {a.contentType}, {a.sizeBytes} bytes, {when(a.createdAt)}
            </Text>
          </List.Item>
        ))}
      </List>
      {issue.attachments.length === 0 && <Text c="dimmed">No attachments.</Text>}
      {canWrite && <FileDropZone onFiles={(files) => void upload(files)} label="Attach a file" />}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Stack>
  );
}

function Comments({ issue, canWrite, onChange }: PartProps) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { error: err } = await api.POST('/api/v1/issues/{id}/comments', {
      params: { path: { id: issue.id } },
      body: { body },
    });
    if (err) return setError(fieldErrorsOf(err).body ?? messageOf(err));
    setError(null);
    setBody('');
    onChange();
  };
  const kinds: Record<string, string> = { accept: 'accepted', 'send-back': 'sent back', comment: 'comment' };
  return (
    <Stack gap="xs">
      <Title order={4}>Comments</Title>
      <Stack gap="xs" aria-label="Comments" role="list">
        {issue.comments.map((c) => (
          <Paper key={c.id} withBorder p="xs" role="listitem">
            <Group gap="xs">
              <Text size="sm" fw={500}>
                {c.authorEmail ?? c.authorId}
              </Text>
              <Badge
                size="xs"
                variant="light"
                color={c.kind === 'accept' ? 'green' : c.kind === 'send-back' ? 'orange' : 'gray'}
              >
                {kinds[c.kind]}
              </Badge>
              <Text size="xs" c="dimmed">
                {when(c.createdAt)}
              </Text>
            </Group>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {c.body}
            </Text>
          </Paper>
        ))}
      </Stack>
      {canWrite && (
        <form onSubmit={(e) => void submit(e)}>
          <Stack gap="xs">
            <Textarea
              label="Comment"
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              error={error}
              autosize
              minRows={2}
            />
            <Group>
              <Button type="submit" disabled={!body.trim()}>
                Add comment
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
