import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, messageOf } from '../api/client';

/** An invite or password-reset link: the token is in the fragment (never sent to a server in a URL). */
export function LinkScreen() {
  const token = window.location.hash.slice(1);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { data, error: failed } = await api.POST('/api/v1/auth/links/accept', { body: { token, password } });
    if (data) setDone(true);
    else setError(messageOf(failed));
  };
  return (
    <Center mih="100vh">
      <Paper withBorder p="xl" w={380}>
        <form onSubmit={(e) => void submit(e)}>
          <Stack>
            <Title order={2}>Set your password</Title>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            {done ? (
              <Alert color="green">
                Password set.{' '}
                <Anchor component={Link} to="/sign-in">
                  Sign in
                </Anchor>
              </Alert>
            ) : (
              <>
                <PasswordInput
                  label="New password"
                  description="12 characters or more"
                  autoComplete="new-password"
                  required
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                />
                <Button type="submit">Set password</Button>
              </>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
