import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';

/**
 * A dialog holding one form: the API's refusal in words above the fields, Cancel and the submit button below.
 * Enter in a field submits; Escape or Cancel closes without a change.
 */
export function FormDialog(props: {
  title: string;
  size?: string;
  error: string | null;
  submitLabel: string;
  submitColor?: string | undefined;
  submitDisabled?: boolean;
  busy?: boolean;
  onSubmit: () => Promise<void>;
  onClose: () => void;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void props.onSubmit();
  };
  return (
    <Modal opened onClose={props.onClose} title={props.title} size={props.size}>
      <form onSubmit={submit}>
        <Stack>
          {props.error && (
            <Alert color="red" role="alert">
              {props.error}
            </Alert>
          )}
          {props.children}
          <Group justify="end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" color={props.submitColor} loading={props.busy} disabled={props.submitDisabled}>
              {props.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
