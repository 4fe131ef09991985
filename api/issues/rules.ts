import { SECRET_LINK, redactSecretLink, SOURCE_FIELDS, type IssueSource, type SourceField } from '../../domain/issues';
import { findSecretInClear, SECRET_HINT } from '../../domain/secret-detection';
import { HttpError } from '../errors';

/**
 * The server's side of the Source wizard and of seed 000 §12 (issue 17): every field the chosen Source requires,
 * each checked by its kind, and no secret in clear in what people write.
 */

const URL_LINK = /^https?:\/\/\S+$/;
const ATTACHMENT_REF = /^attachment:(.+)$/;

function fieldProblem(f: SourceField, value: string, attachmentNames: readonly string[]): string | null {
  switch (f.kind) {
    case 'choice':
      return f.choices!.includes(value) ? null : `must be one of ${f.choices!.join(', ')}`;
    case 'secret-link':
      return SECRET_LINK.test(value)
        ? null
        : `must be a one-time secret link (<origin>/secrets/<id>#<key>): ${SECRET_HINT}`;
    case 'link-or-attachment': {
      if (URL_LINK.test(value)) return null;
      const name = ATTACHMENT_REF.exec(value)?.[1];
      if (name !== undefined && attachmentNames.includes(name)) return null;
      return 'must be an http(s) link, or attachment:<fileName> of a file attached to the issue';
    }
    default:
      return null;
  }
}

/**
 * The Source's fields, trimmed; a 400 naming every missing, unknown or bad one (`sourceFields.<name>`).
 * `attachmentNames`: the issue's files, which an `apiDoc` may name.
 */
export function checkSourceFields(
  source: IssueSource,
  given: Record<string, string>,
  attachmentNames: readonly string[],
): Record<string, string> {
  const fields = SOURCE_FIELDS[source];
  const details: Array<{ field: string; message: string }> = [];
  const out: Record<string, string> = {};
  for (const f of fields) {
    const value = given[f.name]?.trim() ?? '';
    if (value === '') {
      details.push({ field: `sourceFields.${f.name}`, message: `is required for Source ${source} (${f.label})` });
      continue;
    }
    const problem = fieldProblem(f, value, attachmentNames);
    if (problem) details.push({ field: `sourceFields.${f.name}`, message: problem });
    else if (f.kind === 'text') refuseSecretInClear(`sourceFields.${f.name}`, value);
    out[f.name] = value;
  }
  for (const name of Object.keys(given)) {
    if (!fields.some((f) => f.name === name)) {
      details.push({ field: `sourceFields.${name}`, message: `is not a field of Source ${source}` });
    }
  }
  if (details.length) {
    throw new HttpError(400, 'VALIDATION_FAILED', details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
  return out;
}

/** 400 SECRET_IN_CLEAR when the text holds an API key or a card number, with the hint to use a one-time secret. */
export function refuseSecretInClear(field: string, text: string | undefined): void {
  if (text === undefined) return;
  const kind = findSecretInClear(text);
  if (!kind) return;
  const message = `holds what looks like ${kind === 'api key' ? 'an API key' : 'a card number'} in clear: ${SECRET_HINT}`;
  throw new HttpError(400, 'SECRET_IN_CLEAR', `${field}: ${message}`, [{ field, message }]);
}

/** Source fields as the audit log keeps them: secret links without their keys. */
export function redactedFields(source: IssueSource, fields: Record<string, string>): Record<string, string> {
  const out = { ...fields };
  for (const f of SOURCE_FIELDS[source]) {
    if (f.kind === 'secret-link' && out[f.name] !== undefined) out[f.name] = redactSecretLink(out[f.name]!);
  }
  return out;
}

/** Attachment types accepted, with the first bytes a file of that type starts with (when it has a signature). */
const ATTACHMENT_TYPES: Readonly<Record<string, readonly number[][] | 'text'>> = {
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/gif': [[0x47, 0x49, 0x46, 0x38]],
  'image/webp': [[0x52, 0x49, 0x46, 0x46]],
  'application/pdf': [[0x25, 0x50, 0x44, 0x46, 0x2d]],
  'application/zip': [[0x50, 0x4b, 0x03, 0x04]],
  'video/mp4': [],
  'text/plain': 'text',
  'text/csv': 'text',
  'application/json': 'text',
};
export const ATTACHMENT_CONTENT_TYPES = Object.keys(ATTACHMENT_TYPES);
/** 2 MiB: screenshots, logs and API documents; larger evidence goes by link. */
export const ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;

/** The decoded file; 400 for a type not accepted, content that is not of its type, or an empty file; 413 too large. */
export function checkAttachment(a: { fileName: string; contentType: string; contentBase64: string }): Buffer {
  const type = a.contentType.toLowerCase();
  const expected = ATTACHMENT_TYPES[type];
  if (!expected) {
    throw new HttpError(
      400,
      'VALIDATION_FAILED',
      `contentType: must be one of ${ATTACHMENT_CONTENT_TYPES.join(', ')}`,
      [{ field: 'contentType', message: `must be one of ${ATTACHMENT_CONTENT_TYPES.join(', ')}` }],
    );
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(a.contentBase64)) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'contentBase64: must be base64', [
      { field: 'contentBase64', message: 'must be base64' },
    ]);
  }
  const bytes = Buffer.from(a.contentBase64, 'base64');
  if (bytes.length === 0) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'contentBase64: the file is empty', [
      { field: 'contentBase64', message: 'the file is empty' },
    ]);
  }
  if (bytes.length > ATTACHMENT_MAX_BYTES) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the file is larger than ${ATTACHMENT_MAX_BYTES} bytes`);
  }
  const matches =
    expected === 'text'
      ? !bytes.includes(0) && Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)
      : expected.length === 0 || expected.some((sig) => sig.every((b, i) => bytes[i] === b));
  if (!matches) {
    throw new HttpError(400, 'VALIDATION_FAILED', `contentBase64: the content is not ${type}`, [
      { field: 'contentBase64', message: `the content is not ${type}` },
    ]);
  }
  return bytes;
}
