# syntax=docker/dockerfile:1
# herald in a container: `docker build -t herald .` (see the README's Deploy section).

# --- build: production dependencies, with what better-sqlite3 needs to compile where no prebuilt binary fits
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/emulators/package.json packages/emulators/
# --ignore-scripts skips herald's own prepare (the build, which needs the dev dependencies: the
# compile stage runs it); npm rebuild then runs the dependencies' install scripts (better-sqlite3's).
RUN npm ci --omit=dev --ignore-scripts && npm rebuild && npm cache clean --force
# What herald reads at run time besides dist/ (src/util/package-root.ts finds them here).
COPY bin bin
COPY migrations migrations
COPY templates templates
COPY src/store/postgres/worker.mjs src/store/postgres/
COPY src/sandbox/console/static src/sandbox/console/static
COPY herald.config.yaml ./

# --- compile: the TypeScript into dist/ (scripts/build.mjs, esbuild); its dev dependencies stay here
FROM node:20-bookworm-slim AS compile
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/emulators/package.json packages/emulators/
# Nothing native is needed to bundle, so no install scripts (and no compiler) here either.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY scripts scripts
COPY src src
COPY packages/emulators/src packages/emulators/src
RUN node scripts/build.mjs

# --- runtime: no compiler, no root
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HERALD_DB_PATH=/data/herald.db \
    HERALD_SIGNING_KEY_FILE=/data/keys/signing.key \
    HERALD_CHECKPOINTS_FILE=/data/checkpoints.jsonl \
    HERALD_HTTP_PORT=9464 \
    HERALD_HTTP_HOST=0.0.0.0
RUN groupadd --system --gid 10001 herald \
 && useradd --system --uid 10001 --gid herald --home-dir /app --no-create-home --shell /usr/sbin/nologin herald \
 && mkdir /data && chown herald:herald /data
WORKDIR /app
# Owned by root and read-only to herald: only /data is written.
COPY --from=build /app /app
COPY --from=compile /app/dist /app/dist
USER herald
VOLUME /data
EXPOSE 9464
# slim has no curl: node asks /healthz itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HERALD_HTTP_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/herald.mjs"]
CMD ["start"]
