# syntax=docker/dockerfile:1.7-labs
# One image for every part; the command picks the part (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs scripts/prisma-generate.mjs
# Every subgraph's Prisma schema, wherever the folder (a new subgraph needs no line here).
COPY --parents subgraphs/*/prisma/schema.prisma ./
RUN npm ci --no-audit --no-fund --include=dev
COPY . .
USER node
CMD ["npx", "tsx", "scripts/gateway.ts"]
