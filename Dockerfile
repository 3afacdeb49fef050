# One image for every part; the command picks the part (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs scripts/prisma-generate.mjs
COPY subgraphs/residents/prisma/schema.prisma subgraphs/residents/prisma/schema.prisma
COPY subgraphs/discharge/prisma/schema.prisma subgraphs/discharge/prisma/schema.prisma
COPY subgraphs/labs/prisma/schema.prisma subgraphs/labs/prisma/schema.prisma
COPY subgraphs/medications/prisma/schema.prisma subgraphs/medications/prisma/schema.prisma
COPY subgraphs/careplans/prisma/schema.prisma subgraphs/careplans/prisma/schema.prisma
COPY subgraphs/usage/prisma/schema.prisma subgraphs/usage/prisma/schema.prisma
RUN npm ci --no-audit --no-fund --include=dev
COPY . .
USER node
CMD ["npx", "tsx", "scripts/gateway.ts"]
