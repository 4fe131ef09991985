import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';

/**
 * Asks to confirm a change that needs a reason (kept in the audit log): a required Reason field, Cancel, and the
 * confirming button. `confirm` answers an error message to show, or null when done (the dialog then closes).
 */
export function ConfirmWithReasonDialog(props: {
  title: string;
  text: string;
  confirmLabel: string;
  confirm: (reason: string) => Promise<string | null>;
  onClose: (done: boolean) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const failed = await props.confirm(reason.trim());
    setBusy(false);
    if (failed) setError(failed);
    else props.onClose(true);
  };
  return (
    <Modal opened onClose={() => props.onClose(false)} title={props.title}>
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          <Text size="sm">{props.text}</Text>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput
            label="Reason"
            required
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-autofocus
          />
          <Group justify="end">
            <Button variant="default" onClick={() => props.onClose(false)}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={busy}>
              {props.confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
