import { Alert, Button, Group, List, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, fieldErrorsOf, messageOf, type Schemas } from '../api/client';
import { FileDropZone, readUpload, type FileUpload } from '../components/FileDropZone';
import { SecretLinkInput } from '../components/SecretLinkInput';

type Form = NonNullable<Awaited<ReturnType<typeof loadForm>>['data']>;
type SourceField = Form['sources'][string][number];
export const loadForm = () => api.GET('/api/v1/issues/form');
/** The form's labels carry the seed's `*`; the inputs mark required fields themselves. */
export const unstarred = (label: string) => label.replace('*', '');

/**
 * Add issue (seed 000 §5): Source* first; then the location fields the Source requires (Head module, MerchHead
 * module, the API documentation kind, or Integration's extended fields, whose keys and card take one-time secret
 * links), Subject, Description (started with the template), Priority, Owner, files. Required fields are marked;
 * the server decides, and a 400 naming a field is shown at that field.
 */
export function IssueWizard({
  form,
  owners,
  onClose,
  onCreated,
}: {
  form: Form;
  owners: Array<{ value: string; label: string }>;
  onClose: () => void;
  onCreated: (issue: Schemas['IssueDetail']) => void;
}) {
  const [source, setSource] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState(form.descriptionTemplate);
  const [priority, setPriority] = useState('Medium');
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [files, setFiles] = useState<FileUpload[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const sourceFields: SourceField[] = source ? (form.sources[source] ?? []) : [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const { data, error: err } = await api.POST('/api/v1/issues', {
      body: {
        subject,
        description,
        priority: priority as Schemas['Issue']['priority'],
        ownerId,
        source: (source ?? '') as Schemas['Issue']['source'],
        sourceFields: Object.fromEntries(
          Object.entries(fields).filter(([name, v]) => v !== '' && sourceFields.some((f) => f.name === name)),
        ),
        ...(files.length ? { attachments: files } : {}),
      },
    });
    setBusy(false);
    if (data) return onCreated(data);
    setErrors(fieldErrorsOf(err));
    setError(messageOf(err));
  };
  const setField = (name: string) => (v: string) => setFields((f) => ({ ...f, [name]: v }));
  const fieldError = (name: string) => errors[`sourceFields.${name}`];

  return (
    <Modal opened onClose={onClose} title="Add issue" size="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Select
            label="Source"
            withAsterisk
            data={Object.keys(form.sources)}
            value={source}
            onChange={(v) => {
              setSource(v);
              setErrors({});
            }}
            error={errors.source}
            placeholder="Where is the issue?"
          />
          {sourceFields.map((f) =>
            f.kind === 'secret-link' ? (
              <SecretLinkInput
                key={f.name}
                label={f.label}
                required
                value={fields[f.name] ?? ''}
                onChange={setField(f.name)}
                error={fieldError(f.name)}
              />
            ) : f.kind === 'choice' ? (
              <Select
                key={f.name}
                label={unstarred(f.label)}
                withAsterisk
                data={f.choices ?? []}
                value={fields[f.name] || null}
                onChange={(v) => setField(f.name)(v ?? '')}
                error={fieldError(f.name)}
              />
            ) : (
              <TextInput
                key={f.name}
                label={unstarred(f.label)}
                withAsterisk
                value={fields[f.name] ?? ''}
                onChange={(e) => setField(f.name)(e.currentTarget.value)}
                error={fieldError(f.name)}
                description={
                  f.kind === 'link-or-attachment'
                    ? 'An http(s) link, or attachment:<file name> of a file attached below'
                    : undefined
                }
              />
            ),
          )}
          <TextInput
            label="Subject"
            withAsterisk
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={errors.subject}
          />
          <Textarea
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={errors.description}
            autosize
            minRows={6}
          />
          <Group grow>
            <Select
              label="Priority"
              data={form.priorities}
              value={priority}
              onChange={(v) => setPriority(v ?? 'Medium')}
              allowDeselect={false}
            />
            <Select
              label="Owner"
              data={owners}
              value={ownerId}
              onChange={setOwnerId}
              clearable
              searchable
              error={errors.ownerId}
            />
          </Group>
          <FileDropZone
            onFiles={(chosen) =>
              void Promise.all(chosen.map(readUpload)).then((read) => setFiles((f) => [...f, ...read]))
            }
          />
          {files.length > 0 && (
            <List size="sm" aria-label="Files to attach">
              {files.map((f) => (
                <List.Item key={f.fileName}>{f.fileName}</List.Item>
              ))}
            </List>
          )}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Text size="xs" c="dimmed">
            * required. Keys and cards go in as one-time secret links (the “secret” button), never in clear.
          </Text>
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Add
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
