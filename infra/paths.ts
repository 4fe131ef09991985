import path from 'node:path';

/** The repository root, whichever folder a script was started from. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Downloaded servers live here (ignored by git) so that the second run needs no network. */
export const CACHE_DIR = process.env.PAYSTAR_CACHE_DIR ?? path.join(PROJECT_ROOT, '.cache');

/** Default home of `npm start`'s data: the embedded PostgreSQL cluster and the Temporal dev server database. */
export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, '.data');
