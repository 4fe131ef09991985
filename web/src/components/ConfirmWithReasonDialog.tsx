import { Text, Textarea } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { messageOf } from '../api/client';
import { FormDialog } from './FormDialog';

/**
 * A confirmation that asks why (the server keeps the reason in the audit log and the order's history). The
 * confirm button stays disabled until a reason is typed; `children` add fields of the action's own (an outcome,
 * evidence). `onConfirm` answers the API's error, or nothing when the action was done.
 */
export function ConfirmWithReasonDialog(props: {
  title: string;
  /** What the action will do, in words. */
  explanation?: ReactNode;
  confirmLabel: string;
  color?: string;
  children?: ReactNode;
  /** Whether the action's own fields are complete. */
  ready?: boolean;
  onConfirm: (reason: string) => Promise<unknown>;
  onClose: (done: boolean) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!reason.trim()) return;
    setBusy(true);
    const failed = await props.onConfirm(reason.trim());
    setBusy(false);
    if (failed) setError(messageOf(failed));
    else props.onClose(true);
  };
  return (
    <FormDialog
      title={props.title}
      error={error}
      submitLabel={props.confirmLabel}
      submitColor={props.color}
      submitDisabled={!reason.trim() || props.ready === false}
      busy={busy}
      onSubmit={submit}
      onClose={() => props.onClose(false)}
    >
      {props.explanation && <Text size="sm">{props.explanation}</Text>}
      {props.children}
      <Textarea
        label="Reason"
        description="Kept in the audit log under your name"
        required
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        data-autofocus
      />
    </FormDialog>
  );
}
