import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';

/**
 * A secret the server answers once (a new API key): shown in a dialog until the person closes it, then forgotten by
 * the screen too. Nothing can show it again; a lost one is revoked and replaced.
 */
export function SecretShownOnce(props: { title: string; secret: string; onClose: () => void }) {
  return (
    <Modal opened onClose={props.onClose} title={props.title} closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow" role="alert">
          Store it now: it is shown only this once.
        </Alert>
        <Code block data-testid="secret-once">
          {props.secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={props.secret}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
          <Button onClick={props.onClose}>I have stored it</Button>
        </Group>
        <Text size="xs" c="dimmed">
          Lost it? Revoke the key and issue another.
        </Text>
      </Stack>
    </Modal>
  );
}
