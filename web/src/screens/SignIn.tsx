import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, messageOf } from '../api/client';
import { useSession } from '../session';

/** Email and password; when the account has a second factor, the authenticator's code as a second step. */
export function SignInScreen() {
  const { reload } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totpCode, setTotpCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const { data, error: failed } = await api.POST('/api/v1/auth/sign-in', {
      body: { email, password, ...(needsCode ? { totpCode } : {}) },
    });
    setBusy(false);
    if (data) {
      await reload();
      navigate((location.state as { from?: string } | null)?.from ?? '/orders', { replace: true });
      return;
    }
    if ((failed as { error?: { code?: string } })?.error?.code === 'TOTP_REQUIRED') {
      setNeedsCode(true);
      return;
    }
    setError(messageOf(failed));
  };

  return (
    <Center mih="100vh">
      <Paper withBorder shadow="sm" p="xl" w={380}>
        <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
          <Stack>
            <Title order={2}>Sign in to PayStar</Title>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              autoFocus
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {needsCode && (
              <TextInput
                label="Authenticator code"
                description="The 6 digits your authenticator app shows"
                inputMode="numeric"
                autoComplete="one-time-code"
                required
                value={totpCode}
                onChange={(e) => setTotpCode(e.currentTarget.value)}
                autoFocus
              />
            )}
            <Button type="submit" loading={busy}>
              {needsCode ? 'Verify' : 'Sign in'}
            </Button>
            <Anchor href="/docs" size="sm">
              API documentation
            </Anchor>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
