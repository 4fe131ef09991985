import { Alert, Button, Code, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import { useSession } from '../session';
import { SessionsPanel } from './Sessions';

/** My Account: password, the second factor (TOTP) and my sessions. */
export function AccountScreen() {
  const { account, reload } = useSession();
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const say = (ok: boolean, text: string) => setNote({ ok, text });

  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const changePassword = async (e: FormEvent) => {
    e.preventDefault();
    const { error } = await api.POST('/api/v1/account/password', { body: { password, newPassword } });
    if (error) return say(false, messageOf(error));
    setPassword('');
    setNewPassword('');
    say(true, 'Password changed; your other sessions have ended.');
  };

  const [totpPassword, setTotpPassword] = useState('');
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [code, setCode] = useState('');
  const startTotp = async (e: FormEvent) => {
    e.preventDefault();
    const { data, error } = await api.POST('/api/v1/account/totp/setup', { body: { password: totpPassword } });
    if (!data) return say(false, messageOf(error));
    setSetup(data);
    setTotpPassword('');
  };
  const enableTotp = async (e: FormEvent) => {
    e.preventDefault();
    const { error } = await api.POST('/api/v1/account/totp/enable', { body: { code } });
    if (error) return say(false, messageOf(error));
    setSetup(null);
    setCode('');
    await reload();
    say(true, 'Second factor on: sign-ins now ask for a code.');
  };
  const disableTotp = async (e: FormEvent) => {
    e.preventDefault();
    const { error } = await api.POST('/api/v1/account/totp/disable', { body: { password: totpPassword, code } });
    if (error) return say(false, messageOf(error));
    setTotpPassword('');
    setCode('');
    await reload();
    say(true, 'Second factor off.');
  };

  if (!account) return null;
  const totpOn = account.user.totpEnabled;
  return (
    <Stack maw={520}>
      <Title order={2}>My Account</Title>
      <Text>
        {account.user.email} · {account.user.kind} · {account.user.role}
      </Text>
      {note && (
        <Alert color={note.ok ? 'green' : 'red'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </Alert>
      )}
      <Paper withBorder p="md">
        <form onSubmit={(e) => void changePassword(e)} aria-label="Change password">
          <Stack>
            <Title order={3}>Password</Title>
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <PasswordInput
              label="New password"
              description="12 characters or more"
              autoComplete="new-password"
              required
              value={newPassword}
              onChange={(e) => setNewPassword(e.currentTarget.value)}
            />
            <Group>
              <Button type="submit">Change password</Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Title order={3}>Second factor (authenticator app)</Title>
          <Text>It is {totpOn ? 'on' : 'off'}.</Text>
          {!totpOn && !setup && (
            <form onSubmit={(e) => void startTotp(e)} aria-label="Set up the second factor">
              <Group align="end">
                <PasswordInput
                  label="Password"
                  required
                  value={totpPassword}
                  onChange={(e) => setTotpPassword(e.currentTarget.value)}
                />
                <Button type="submit">Set up</Button>
              </Group>
            </form>
          )}
          {setup && (
            <form onSubmit={(e) => void enableTotp(e)} aria-label="Turn the second factor on">
              <Stack>
                <Text>Add this to your authenticator app (shown once), then give the code it shows:</Text>
                <Code block>{setup.otpauthUri}</Code>
                <Text size="sm">
                  Secret: <Code>{setup.secret}</Code>
                </Text>
                <Group align="end">
                  <TextInput
                    label="Code"
                    inputMode="numeric"
                    required
                    value={code}
                    onChange={(e) => setCode(e.currentTarget.value)}
                  />
                  <Button type="submit">Turn on</Button>
                </Group>
              </Stack>
            </form>
          )}
          {totpOn && (
            <form onSubmit={(e) => void disableTotp(e)} aria-label="Turn the second factor off">
              <Group align="end">
                <PasswordInput
                  label="Password"
                  required
                  value={totpPassword}
                  onChange={(e) => setTotpPassword(e.currentTarget.value)}
                />
                <TextInput
                  label="Code"
                  inputMode="numeric"
                  required
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value)}
                />
                <Button type="submit" color="red">
                  Turn off
                </Button>
              </Group>
            </form>
          )}
        </Stack>
      </Paper>
      <SessionsPanel />
    </Stack>
  );
}
