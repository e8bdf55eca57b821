# syntax=docker/dockerfile:1
# textbridge as a container: `docker build -t textbridge .`, then
#   docker run -d -p 8080:8080 -v textbridge-data:/var/lib/textbridge --stop-timeout 15 textbridge
# Details (configuration file, PostgreSQL, the proxy in front): docs/deployment.md.

# Build stage: the full Debian image has python3, make and g++, which better-sqlite3 needs when no
# prebuilt binary can be downloaded for it (it then compiles from source, about a minute).
FROM node:24-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Compile to dist/, then drop the devDependencies (TypeScript, Biome, the test tools) from node_modules.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: no compiler, only the production dependencies (better-sqlite3's binary built above,
# for the same Node major and the same Debian release) and the compiled JavaScript.
FROM node:24-bookworm-slim AS runtime
# MALLOC_ARENA_MAX and node's --max-semi-space-size below keep the peak RSS down (src/cli/heap.ts).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=1 \
    TEXTBRIDGE_DATA_DIR=/var/lib/textbridge \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /opt/textbridge
# The code stays owned by root: the service's user can read it, not change it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The data folder (the embedded store, its lock file) is the only place the service writes.
RUN mkdir -p /var/lib/textbridge && chown node:node /var/lib/textbridge
# `node` (uid 1000) is the unprivileged user the official Node images ship.
USER node
VOLUME ["/var/lib/textbridge"]
EXPOSE 8080
# /livez answers 200 while the process serves HTTP. The slim image has no curl: Node's own fetch, with
# a deadline shorter than the check's timeout. It asks the loopback address, so HOST must stay
# 0.0.0.0 (the default here) or 127.0.0.1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/livez', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is PID 1 and gets the stop signal: `serve` closes its listener, finishes the requests in
# flight and closes the store within 10 s (close-with-grace). npm would not pass the signal on.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=16", "dist/cli/bin.js", "serve"]
