import { Button, Modal, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { OneTimeSecretForm } from './OneTimeSecretForm';

/**
 * A field that takes a one-time secret link, never the secret (the Integration API keys and test card): its
 * "secret" button encrypts what is typed in the browser and puts the link into the field.
 */
export function SecretLinkInput({
  label,
  value,
  onChange,
  error,
  required,
}: {
  label: string;
  value: string;
  onChange: (link: string) => void;
  error?: string | undefined;
  required?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const name = label.replace(/\*.*$/, '').trim();
  return (
    <>
      <TextInput
        label={label.replace('*', '')}
        withAsterisk={required}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        error={error}
        placeholder="a one-time secret link"
        rightSectionWidth={80}
        rightSection={
          <Button size="compact-xs" variant="light" aria-label={`secret: ${name}`} onClick={() => setOpen(true)}>
            secret
          </Button>
        }
      />
      <Modal opened={open} onClose={() => setOpen(false)} title={`One-time secret: ${name}`}>
        <Text size="sm" c="dimmed" mb="sm">
          Encrypted here in your browser; the server keeps only what it cannot read. The link goes into the field.
        </Text>
        <OneTimeSecretForm
          secretLabel={name}
          submitLabel="Encrypt and insert link"
          onLink={(link) => {
            onChange(link);
            setOpen(false);
          }}
        />
      </Modal>
    </>
  );
}
