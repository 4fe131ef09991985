# syntax=docker/dockerfile:1
#
# PayStar orchestrator image: one image, three entry points.
#   node dist/api/main.js        HTTP API (default CMD)
#   node dist/workers/main.js    Temporal worker
#   node dist/scripts/migrate.js database migrations (one-shot)
# See docs/deployment.md and docker-compose.yml.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------
# Build stage: install all dependencies, compile TypeScript, drop dev deps.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependency layer first so it is cached until package*.json change.
# npm 10 (bundled with Node 20) ignores the npm-11 `allowScripts` field in
# package.json and simply runs install scripts (esbuild, @swc/core, protobufjs, ...).
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

# Sources. .dockerignore keeps node_modules, dist, tests and local data out.
COPY . .

# tsc -p tsconfig.build.json -> dist/ (layout mirrors the sources:
# dist/api/main.js, dist/workers/main.js, dist/scripts/migrate.js, ...)
RUN npm run build \
    && test -f dist/api/main.js \
    && test -f dist/workers/main.js \
    && test -f dist/scripts/migrate.js

# Keep only production dependencies for the runtime stage.
RUN npm prune --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------------------
# Runtime stage: production dependencies + compiled JS, non-root.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=3000

# Files stay owned by root (read-only for the app); the process runs as the
# unprivileged `node` user (uid 1000) that the official image provides.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

USER node

EXPOSE 3000

CMD ["node", "dist/api/main.js"]
