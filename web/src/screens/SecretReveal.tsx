import { Alert, Button, Center, Code, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { revealSecret, SecretGoneError } from '../../../domain/one-time-secret-crypto';

/**
 * The page a one-time secret link opens (`/secrets/<id>#<key>`, no sign-in: the link is the capability). Opening
 * uses a view, so it waits for a click (link previews do not burn it); the key never leaves the browser. After the
 * last view, or past its lifetime, the server says it is gone and so does the page.
 */
export function SecretRevealScreen() {
  const [state, setState] = useState<
    { kind: 'closed' } | { kind: 'open'; text: string } | { kind: 'gone' } | { kind: 'error'; message: string }
  >({ kind: 'closed' });
  const reveal = async () => {
    try {
      const link = window.location.href.replace('/app/secrets/', '/secrets/');
      setState({ kind: 'open', text: await revealSecret(link, { baseUrl: window.location.origin }) });
      // The key is no longer needed on screen or in the history.
      window.history.replaceState(null, '', window.location.pathname);
    } catch (err) {
      setState(
        err instanceof SecretGoneError
          ? { kind: 'gone' }
          : { kind: 'error', message: err instanceof Error ? err.message : String(err) },
      );
    }
  };
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="lg" maw={640} w="100%">
        <Stack>
          <Title order={2}>One-time secret</Title>
          {state.kind === 'closed' && (
            <>
              <Text>Someone shared a secret with you. It can be opened a limited number of times.</Text>
              <Button onClick={() => void reveal()}>Reveal secret</Button>
            </>
          )}
          {state.kind === 'open' && (
            <>
              <Text>Copy it now: this view has been used.</Text>
              <Code block data-testid="secret-text">
                {state.text}
              </Code>
            </>
          )}
          {state.kind === 'gone' && (
            <Alert color="orange" role="alert" title="This secret is gone">
              It was opened its last time, or its lifetime is over. Ask whoever shared it for a new link.
            </Alert>
          )}
          {state.kind === 'error' && (
            <Alert color="red" role="alert">
              {state.message}
            </Alert>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
