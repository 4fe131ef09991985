import { Alert, Button, Code, Group, Select, Stack, Table, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import { useLoad, when } from '../load';
import { useSession } from '../session';

const ROLES = ['owner', 'developer', 'finance', 'viewer'] as const;
type MerchantRole = (typeof ROLES)[number];

/** MerchHead: my merchant's people. Invite (the link is shown once), change a role, disable. */
export function TeamScreen() {
  const { account, can } = useSession();
  const canWrite = can('team:users:write');
  const users = useLoad(() => api.GET('/api/v1/team/users'), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MerchantRole>('viewer');
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const invite = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const { data, error: failed } = await api.POST('/api/v1/team/invites', { body: { email, role } });
    if (!data) return setError(messageOf(failed));
    setLink(`${window.location.origin}/app${data.link.path}`);
    setEmail('');
    users.reload();
  };
  const change = async (id: string, body: { role?: MerchantRole; disabled?: boolean }) => {
    setError(null);
    const { error: failed } = await api.PATCH('/api/v1/team/users/{id}', { params: { path: { id } }, body });
    if (failed) setError(messageOf(failed));
    users.reload();
  };

  return (
    <Stack>
      <Title order={2}>Team</Title>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {link && (
        <Alert color="green" title="Invite link (shown once: copy it now and send it to the person)">
          <Code block>{link}</Code>
        </Alert>
      )}
      {canWrite && (
        <form onSubmit={(e) => void invite(e)} aria-label="Invite">
          <Group align="end">
            <TextInput
              label="Email"
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <Select
              label="Role"
              data={[...ROLES]}
              value={role}
              onChange={(v) => setRole((v as MerchantRole) ?? 'viewer')}
              allowDeselect={false}
            />
            <Button type="submit">Invite</Button>
          </Group>
        </form>
      )}
      <Table striped aria-label="Team">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Second factor</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th>Disable</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(users.data?.items ?? []).map((u) => {
            const me = u.id === account?.user.id;
            return (
              <Table.Tr key={u.id}>
                <Table.Td>{u.email}</Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Role of ${u.email}`}
                    data={[...ROLES]}
                    value={u.role}
                    disabled={!canWrite || me || u.status === 'disabled'}
                    onChange={(v) => v && void change(u.id, { role: v as MerchantRole })}
                    allowDeselect={false}
                    w={140}
                  />
                </Table.Td>
                <Table.Td>{u.status}</Table.Td>
                <Table.Td>{u.totpEnabled ? 'on' : 'off'}</Table.Td>
                <Table.Td>{when(u.createdAt)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    disabled={!canWrite || me || u.status === 'disabled'}
                    onClick={() => void change(u.id, { disabled: true })}
                    aria-label={`Disable ${u.email}`}
                  >
                    Disable
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
