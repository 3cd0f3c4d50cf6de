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
RUN npm ci --omit=dev && npm cache clean --force
# herald runs its TypeScript through tsx: no compile step, the sources are the program.
COPY bin bin
COPY src src
COPY migrations migrations
COPY templates templates
COPY packages/emulators/src packages/emulators/src
COPY herald.config.yaml ./

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
USER herald
VOLUME /data
EXPOSE 9464
# slim has no curl: node asks /healthz itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HERALD_HTTP_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/herald.mjs"]
CMD ["start"]
