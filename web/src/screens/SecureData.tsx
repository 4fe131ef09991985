import { Alert, Button, Code, CopyButton, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { OneTimeSecretForm } from '../components/OneTimeSecretForm';

/**
 * Secure data (seed 000): a one-time secret with a lifetime and a number of views. Encrypted here; the link
 * carries the key in its fragment, so only whoever has the link can read it, and only as often as it allows.
 */
export function SecureDataScreen() {
  const [link, setLink] = useState<string | null>(null);
  return (
    <Stack maw={640}>
      <Title order={2}>Secure data</Title>
      <Text c="dimmed" size="sm">
        Share an API key, a test card or a password as a one-time link. It is encrypted in your browser; the server
        keeps only ciphertext it cannot read and deletes it after the last view or when its lifetime ends.
      </Text>
      <OneTimeSecretForm onLink={setLink} multiline />
      {link && (
        <Paper withBorder p="sm">
          <Alert color="green" mb="xs">
            The link, shown once: copy it now.
          </Alert>
          <Group wrap="nowrap">
            <Code data-testid="secret-link" style={{ wordBreak: 'break-all' }}>
              {link}
            </Code>
            <CopyButton value={link}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Paper>
      )}
    </Stack>
  );
}
