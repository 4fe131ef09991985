import { Alert, Button, Code, CopyButton, Group, Text } from '@mantine/core';

/**
 * A secret the server answers once (an API key): shown in full with a copy button until the person dismisses it,
 * never again. The screen keeps it in memory only; nothing stores it.
 */
export function ShownOnceSecret(props: { title: string; secret: string; onDismiss: () => void }) {
  return (
    <Alert color="green" title={props.title} role="status">
      <Text size="sm" mb="xs">
        Shown only now: copy it and keep it in your secret store. Afterwards only its prefix is shown.
      </Text>
      <Code block data-testid="shown-once-secret">
        {props.secret}
      </Code>
      <Group mt="xs">
        <CopyButton value={props.secret}>
          {({ copied, copy }) => (
            <Button size="xs" onClick={copy} color={copied ? 'teal' : undefined}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
        <Button size="xs" variant="default" onClick={props.onDismiss}>
          I have stored it
        </Button>
      </Group>
    </Alert>
  );
}
