import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Fills a cache folder atomically: `fill` writes into a private temporary folder which is then renamed into
 * place, so a crash or a concurrent `npm start` and `npm test` never leave a half-written copy behind.
 */
export async function fillCacheDir(finalDir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmpDir = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(path.dirname(finalDir), { recursive: true });
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });
  try {
    await fill(tmpDir);
    await rename(tmpDir, finalDir).catch(async (err: NodeJS.ErrnoException) => {
      // Another process won the race: its copy is as good as ours.
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}
