# n1radar's image (the default, last stage) and the demo blog's (`--target demo`, used by docker-compose.yml).
#   docker build -t n1radar .        docker run -p 3000:3000 -p 4318:4318 -p 4317:4317 -v n1radar-data:/data n1radar
# Each app is cut out of the monorepo with `turbo prune`, built with dev dependencies, then reinstalled with
# production dependencies only; the runtime stages copy package.json, dist and node_modules, never sources or
# tests. n1radar's image is node:20-bookworm-slim plus about 50 MB (see the README's "Containers").

FROM node:20-bookworm-slim AS base
ENV TURBO_TELEMETRY_DISABLED=1

# The workspace subset each app needs, with a pruned package-lock.json.
FROM base AS prune
WORKDIR /repo
COPY . .
RUN npx --yes turbo@2.11.11 prune @n1radar/server --docker --out-dir /pruned/server \
 && npx --yes turbo@2.11.11 prune @n1radar/demo --docker --out-dir /pruned/demo

# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
FROM base AS toolchain
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

FROM toolchain AS build-server
WORKDIR /app
COPY --from=prune /pruned/server/json/ ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /pruned/server/full/ ./
COPY tsconfig.base.json ./
# Production dependencies only; of better-sqlite3, only the compiled addon and its loader (its SQLite sources and
# object files are 24 MB).
RUN npx turbo run build --filter=@n1radar/server \
 && npm ci --omit=dev --no-audit --no-fund \
 && (cd node_modules/better-sqlite3 && rm -rf deps src build/deps build/Release/obj build/Release/obj.target \
      build/Release/.deps build/Release/*.a build/Release/test_extension.node) \
 && mkdir /out \
 && cp -R --parents package.json node_modules apps/*/package.json apps/*/dist apps/dashboard/index.js \
      packages/*/package.json packages/*/dist packages/db/drizzle /out

FROM toolchain AS build-demo
WORKDIR /app
COPY --from=prune /pruned/demo/json/ ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /pruned/demo/full/ ./
COPY tsconfig.base.json ./
RUN npx turbo run build --filter=@n1radar/demo \
 && npm ci --omit=dev --no-audit --no-fund \
 && mkdir /out \
 && cp -R --parents package.json node_modules apps/demo/package.json apps/demo/dist /out

# The demo blog and its traffic runner (apps/demo/src/run-demo.ts), sending to the n1radar at N1RADAR_HOST.
FROM base AS demo
ENV NODE_ENV=production DEMO_HOST=0.0.0.0 DEMO_DATA_DIR=/tmp/demo
WORKDIR /app/apps/demo
COPY --from=build-demo /out /app
USER node
EXPOSE 3100
CMD ["node", "dist/run-demo.js"]

# n1radar: every setting comes from the environment (README "Settings"); its SQLite file lives in the /data volume.
FROM base AS n1radar
ENV NODE_ENV=production DATABASE_URL=/data/n1radar.db
WORKDIR /app
COPY --from=build-server /out /app
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000 4318 4317
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "apps/server/dist/main.js"]
