import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The web application (docs/web-app.md): built to dist/web and served by the API process under /app/. React's JSX
 * is compiled by Vite's own transform (automatic runtime); no dev server is needed to use it.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.join(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // Mantine marks its modules "use client" (for React Server Components): meaningless in this bundle.
      onLog(level, log, handler) {
        if (log.code !== 'MODULE_LEVEL_DIRECTIVE') handler(level, log);
      },
    },
  },
});
