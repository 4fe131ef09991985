import { Alert, Badge, Button, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api, messageOf } from '../api/client';
import { useLoad, when } from '../load';

/**
 * My Account → Sessions: where I am signed in (browser, since, last request, end), the current one marked; any
 * other can be ended here (the current one ends with Sign out). Ending one is in the audit log.
 */
export function SessionsPanel() {
  const sessions = useLoad(() => api.GET('/api/v1/account/sessions'), []);
  const [error, setError] = useState<string | null>(null);
  const revoke = async (id: string) => {
    setError(null);
    const { error: failed } = await api.POST('/api/v1/account/sessions/{id}/revoke', { params: { path: { id } } });
    if (failed) setError(messageOf(failed));
    sessions.reload();
  };
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={3}>Sessions</Title>
        <Text size="sm">Where you are signed in. End a session you do not recognise, then change your password.</Text>
        {(error ?? sessions.error) && (
          <Alert color="red" role="alert">
            {error ?? sessions.error}
          </Alert>
        )}
        <Table striped aria-label="Sessions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Browser</Table.Th>
              <Table.Th>Signed in</Table.Th>
              <Table.Th>Last request</Table.Th>
              <Table.Th>Ends</Table.Th>
              <Table.Th>End</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(sessions.data?.items ?? []).map((s) => (
              <Table.Tr key={s.id} data-current={s.current || undefined}>
                <Table.Td>
                  {s.userAgent ?? 'unknown'}{' '}
                  {s.current && (
                    <Badge variant="light" color="green">
                      this session
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{when(s.createdAt)}</Table.Td>
                <Table.Td>{when(s.lastSeenAt)}</Table.Td>
                <Table.Td>{when(s.expiresAt)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    disabled={s.current}
                    title={s.current ? 'Use Sign out to end this session' : undefined}
                    onClick={() => void revoke(s.id)}
                    aria-label={
                      s.current ? 'This session (use Sign out)' : `End the session signed in ${when(s.createdAt)}`
                    }
                  >
                    End
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}
