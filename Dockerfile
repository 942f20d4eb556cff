# syntax=docker/dockerfile:1
# Sheaf in a container: `docker build -t sheaf .`, then see docs/DEPLOY.md for running it.
# The build stage keeps every dependency (`--target build` gives an image that can run the CLI);
# the runtime has build/, drizzle/ and the runtime dependencies only, and runs `node build` as
# the unprivileged `node` user.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npm run build

FROM build AS runtime-deps
RUN npm prune --omit=dev

FROM node:20-slim
# adapter-node reads BODY_SIZE_LIMIT, SHUTDOWN_TIMEOUT and HEADERS_TIMEOUT itself, before Sheaf's
# code runs, and nothing reads a .env file: room for a 50 MB PDF (MAX_UPLOAD_MB; raise both
# together), a 7 s grace for requests in flight within the 10 s `docker stop` waits, and 10 s for
# a client to send its headers. Everything else comes from `docker run -e` / `--env-file`.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    BODY_SIZE_LIMIT=51M \
    SHUTDOWN_TIMEOUT=7 \
    HEADERS_TIMEOUT=10
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
# Migrations run at start-up from the working directory.
COPY --from=build /app/drizzle ./drizzle
RUN mkdir -p -m 700 /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Node as PID 1 is fine: Sheaf handles SIGTERM and SIGINT itself and exits within 10 s.
CMD ["node", "build"]
