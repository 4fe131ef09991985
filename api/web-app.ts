import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { PROJECT_ROOT } from '../infra/paths';
import { HttpError } from './errors';
import { pagePolicy } from './security-headers';

/** Where `npm run build:web` (and `npm start`, when stale) puts the web application (docs/web-app.md). */
export const WEB_APP_DIR = path.join(PROJECT_ROOT, 'dist/web');

/**
 * The web application (Head for operators, MerchHead for merchants) under /app/: its hashed assets cached for
 * good, every other path under /app answered with its index.html (the application routes in the browser). `GET /`
 * leads to it; the application itself sends a person who is not signed in to its sign-in screen.
 */
export function webAppRouter(dir = WEB_APP_DIR): Router {
  const router = Router();
  // Scripts, styles and fonts of our own origin only; the JSON API is the only thing the page calls.
  const policy = pagePolicy({
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    connectSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
  });
  router.get('/', (_req, res) => res.redirect(302, '/app/'));
  router.use(
    '/app/assets',
    policy,
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }),
  );
  // A one-time secret link (`/secrets/<id>#<key>`, docs/one-time-secrets.md) opens the application's reveal page.
  router.get(['/app', '/app/{*rest}', '/secrets/:id'], policy, (req, res, next) => {
    if (req.path.startsWith('/app/assets/')) return next();
    const index = path.join(dir, 'index.html');
    if (!existsSync(index)) {
      return next(new HttpError(503, 'WEB_APP_NOT_BUILT', 'the web application is not built: run npm run build:web'));
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
