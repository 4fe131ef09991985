import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { pagePolicy } from './security-headers';

/**
 * `GET /docs/reference`: the interactive API reference, drawn in the browser by Redoc from `/openapi.json`. Redoc's
 * standalone bundle is an npm dependency (pinned in package.json) served from our own origin, so the page needs no
 * network beyond the API itself (docs/api-reference.md).
 */

/** The bundle in node_modules; resolved at load, so an API without it fails at start, not on the first visit. */
const REDOC_BUNDLE = require.resolve('redoc/bundles/redoc.standalone.js');
const REDOC_VERSION = (JSON.parse(readFileSync(require.resolve('redoc/package.json'), 'utf8')) as { version: string })
  .version;

/**
 * The one resource the bundle would fetch from the internet: the Redocly logo beside "API docs by Redocly" at the foot
 * of the sidebar. Served instead with an empty src, which the browser does not fetch: the image errors, Redoc drops
 * the <img> (its own onError) and keeps the text link. The policy would block the fetch anyway, but as a violation.
 */
const REMOTE_LOGO = '"https://cdn.redoc.ly/redoc/logo-mini.svg"';
const NO_LOGO = '""';

/** The bundle as served: read on first use, with {@link REMOTE_LOGO} replaced. */
function loadBundle(): Buffer {
  return Buffer.from(readFileSync(REDOC_BUNDLE, 'utf8').replaceAll(REMOTE_LOGO, NO_LOGO), 'utf8');
}

export const REFERENCE_PATH = '/docs/reference';
/** The version is in the path, so browsers may keep the bundle for good and a new version is a new URL. */
export const REDOC_BUNDLE_PATH = `/docs/assets/redoc-${REDOC_VERSION}/redoc.standalone.js`;

/**
 * What Redoc needs beyond the base policy, and nothing more: its bundle (script-src 'self': no inline script, no
 * eval; Redoc starts itself from the `<redoc spec-url>` element), the document (connect-src 'self'), the styles that
 * styled-components inserts (style-src 'unsafe-inline', already in the base policy), the icons it draws as data:
 * images (nothing else: no image of ours, no font), and its search index, which runs in a Web Worker Redoc creates
 * from a blob: URL.
 */
const REFERENCE_POLICY = pagePolicy({
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ['data:'],
  workerSrc: ['blob:'],
});

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PayStar orchestration engine — API reference</title>
<style>body{margin:0}</style>
</head>
<body>
<redoc spec-url="/openapi.json" expand-responses="200" required-props-first="true"></redoc>
<script src="${REDOC_BUNDLE_PATH}"></script>
</body>
</html>
`;

export function referencePageRouter(): Router {
  const router = Router();
  router.get(REFERENCE_PATH, REFERENCE_POLICY, (_req, res) => {
    res.type('html').send(PAGE);
  });
  let bundle: Buffer | undefined;
  router.get(REDOC_BUNDLE_PATH, (_req, res) => {
    bundle ??= loadBundle();
    res.set('Cache-Control', 'public, max-age=31536000, immutable').type('js').send(bundle);
  });
  return router;
}
