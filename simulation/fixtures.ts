import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { PROJECT_ROOT } from '../infra/paths';

/** Where the replay suite (test/replay) finds the histories it replays. */
export const HISTORIES_DIR = path.join(PROJECT_ROOT, 'test', 'histories');

/** A file name for a fixture: lower case, letters, digits and dashes. */
export const fixtureName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * Writes one workflow's event history as a replay fixture, in the JSON form Temporal's tools read
 * (`temporal workflow show --output json` writes the same). An existing fixture is kept unless `overwrite`: a
 * committed history stands for executions already running, and replacing it with a fresh recording would hide
 * exactly the change the replay suite is there to catch.
 */
export async function writeFixture(
  history: temporal.api.history.v1.IHistory,
  name: string,
  opts: { dir?: string; overwrite?: boolean } = {},
): Promise<{ file: string; written: boolean; events: number }> {
  const dir = opts.dir ?? HISTORIES_DIR;
  const file = path.join(dir, `${fixtureName(name)}.json`);
  const events = history.events?.length ?? 0;
  if (!opts.overwrite && (await exists(file))) return { file, written: false, events };
  await mkdir(dir, { recursive: true });
  await writeFile(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
  return { file, written: true, events };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
