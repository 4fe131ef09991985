/**
 * Builds the web application (web/, docs/web-app.md) into dist/web when the bundle is missing or older than its
 * sources: `npm start` and the browser tests call {@link ensureWebBuild}, so a fresh clone serves it after
 * `npm install && npm start`. `npm run build:web` builds unconditionally.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../infra/paths';

export const WEB_ROOT = path.join(PROJECT_ROOT, 'web');
export const WEB_BUNDLE = path.join(PROJECT_ROOT, 'dist/web');

function newestMtime(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** Whether dist/web is missing or older than web/ (sources, page, config) or the lock file (library versions). */
export function webBuildIsStale(): boolean {
  const index = path.join(WEB_BUNDLE, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return (
    newestMtime(path.join(WEB_ROOT, 'src')) > built ||
    newestMtime(path.join(WEB_ROOT, 'index.html')) > built ||
    newestMtime(path.join(WEB_ROOT, 'vite.config.mts')) > built ||
    newestMtime(path.join(PROJECT_ROOT, 'package-lock.json')) > built
  );
}

export async function buildWeb(): Promise<void> {
  // Vite is an ES module: loaded at run time (tsx), typed here by the one call made.
  const { build } = (await import('vite' as string)) as { build: (config: { configFile: string }) => Promise<unknown> };
  await build({ configFile: path.join(WEB_ROOT, 'vite.config.mts') });
}

/** Builds when stale; answers whether it built. */
export async function ensureWebBuild(): Promise<boolean> {
  if (!webBuildIsStale()) return false;
  await buildWeb();
  return true;
}

if (require.main === module) {
  // --if-stale: only when the bundle is missing or older than its sources (the browser tests' set-up).
  (process.argv.includes('--if-stale') ? ensureWebBuild() : buildWeb().then(() => true)).then(
    (built) =>
      console.log(
        built ? `web application built into ${path.relative(PROJECT_ROOT, WEB_BUNDLE)}` : 'web application is current',
      ),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
