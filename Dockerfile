# segment-sync: the HTTP service (segment-sync serve). Build: docker build -t segment-sync .
# Stage 1 compiles TypeScript with every dependency; stage 2 carries only runtime dependencies and dist/.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the image has Node 22 already, so the project's pinned `node` package (its binary comes
# from an install script) and the `prepare` build are skipped; tsc runs explicitly, with the image's node,
# once the sources are in.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY bench ./bench
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    SEGMENT_SYNC_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The embedded database (used when DATABASE_URL is not set) lives in /data.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "bin/segment-sync.js"]
CMD ["serve"]
