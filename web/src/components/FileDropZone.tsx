import { Button, Paper, Stack, Text } from '@mantine/core';
import { useRef, useState, type DragEvent } from 'react';

/** The attachment limits the server enforces (docs/issues.md), shown to the person choosing a file. */
export const ATTACHMENT_LIMITS = 'Up to 2 MiB a file; PNG, JPEG, GIF, WebP, PDF, ZIP, MP4, plain text, CSV, JSON.';
const ACCEPT = '.png,.jpg,.jpeg,.gif,.webp,.pdf,.zip,.mp4,.txt,.log,.csv,.json';

/** A file as the API takes it: name, type and content in base64. */
export interface FileUpload {
  fileName: string;
  contentType: string;
  contentBase64: string;
}

export async function readUpload(file: File): Promise<FileUpload> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { fileName: file.name, contentType: file.type || 'application/octet-stream', contentBase64: btoa(bin) };
}

/** Drop files here or choose them; each file is handed on as it is read. */
export function FileDropZone({
  onFiles,
  label = 'Attach files',
}: {
  onFiles: (files: File[]) => void;
  label?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    onFiles([...e.dataTransfer.files]);
  };
  return (
    <Paper
      withBorder
      p="md"
      data-testid="file-drop-zone"
      bg={over ? 'var(--mantine-color-blue-light)' : undefined}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <Stack gap={4} align="center">
        <Text size="sm">Drop files here, or</Text>
        <Button variant="default" size="xs" onClick={() => input.current?.click()}>
          Choose a file
        </Button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          accept={ACCEPT}
          aria-label={label}
          onChange={(e) => {
            onFiles([...(e.currentTarget.files ?? [])]);
            e.currentTarget.value = '';
          }}
        />
        <Text size="xs" c="dimmed">
          {ATTACHMENT_LIMITS}
        </Text>
      </Stack>
    </Paper>
  );
}
