# One image recipe for the API and the web app: `docker build --target api .` / `--target web .`
# (docker-compose.yml builds both). Node 20, npm workspaces, the same lockfile as a developer machine.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY packages/domain/package.json packages/domain/
COPY packages/adapters/package.json packages/adapters/
COPY load/package.json load/
# Dev dependencies included: the API runs TypeScript through tsx, as `npm run api` does everywhere.
RUN npm ci --no-audit --no-fund

FROM deps AS source
COPY . .

# The API (and the one-shot `setup` service: migrate + seed). Binds all interfaces inside the container.
FROM source AS api
ENV NODE_ENV=production API_HOST=0.0.0.0 API_PORT=3001
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.API_PORT||3001)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npm", "run", "api"]

FROM source AS web-build
RUN npm run build -w @concert/web

# The web app. NEXT_PUBLIC_API_URL is read when pages are served, so one image serves any API address.
FROM web-build AS web
ENV NODE_ENV=production WEB_PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.WEB_PORT||3000)+'/').then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"
CMD ["npm", "run", "start", "-w", "@concert/web"]
