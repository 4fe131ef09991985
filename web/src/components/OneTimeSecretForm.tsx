import { Alert, Button, Group, NumberInput, PasswordInput, Select, Stack, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { shareSecret } from '../../../domain/one-time-secret-crypto';
import { csrfToken } from '../api/client';

/** Lifetimes offered (the server takes 60 s to 7 days). */
export const SECRET_LIFETIMES = [
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours' },
  { value: '604800', label: '7 days' },
];

/**
 * Types a secret, encrypts it here in the browser (AES-256-GCM, docs/one-time-secrets.md) and stores only the
 * ciphertext: the link that comes back carries the key in its fragment. Used by the Secure data screen and the
 * "secret" button next to the Integration fields.
 */
export function OneTimeSecretForm({
  onLink,
  secretLabel = 'Secret',
  multiline = false,
  submitLabel = 'Create link',
}: {
  onLink: (link: string) => void;
  secretLabel?: string;
  multiline?: boolean;
  submitLabel?: string;
}) {
  const [text, setText] = useState('');
  const [views, setViews] = useState<number>(1);
  const [lifetime, setLifetime] = useState('86400');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text) return setError('Type the secret first');
    setBusy(true);
    setError(null);
    try {
      const link = await shareSecret({ baseUrl: window.location.origin, csrfToken: csrfToken() }, text, {
        views,
        lifetimeSeconds: Number(lifetime),
      });
      setText('');
      onLink(link);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack>
        {multiline ? (
          <Textarea label={secretLabel} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize />
        ) : (
          <PasswordInput label={secretLabel} value={text} onChange={(e) => setText(e.currentTarget.value)} />
        )}
        <Group grow>
          <NumberInput label="Views" min={1} max={10} value={views} onChange={(v) => setViews(Number(v) || 1)} />
          <Select
            label="Lifetime"
            data={SECRET_LIFETIMES}
            value={lifetime}
            onChange={(v) => setLifetime(v ?? '86400')}
            allowDeselect={false}
          />
        </Group>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Button type="submit" loading={busy}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
