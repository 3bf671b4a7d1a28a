# syntax=docker/dockerfile:1
# Production image: the service against an external PostgreSQL (DATABASE_URL). No embedded
# server, no compilers; runs as an unprivileged user.

# -- GraphiQL's browser bundles (served offline by service/api/graphiql.py) -------------------
FROM node:20-bookworm-slim AS graphiql
WORKDIR /graphiql
RUN --mount=type=bind,source=service/api,target=/api \
    mkdir -p node_modules \
    && if [ -f /api/graphiql/package.json ]; then \
         cp /api/graphiql/package.json /api/graphiql/package-lock.json ./ \
         && npm ci --omit=dev --no-audit --no-fund --loglevel=error; \
       fi

# -- Python dependencies into a virtualenv (all wheels: no build tools needed) ----------------
FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
# Dependencies only (a stub package keeps this layer cached until pyproject.toml changes);
# the code itself runs from /app, next to migrations/.
RUN mkdir service && touch service/__init__.py \
    && pip install . && pip uninstall -y transcripts-service

# -- Runtime ---------------------------------------------------------------------------------
FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin app
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY pyproject.toml alembic.ini README.md ./
COPY migrations/ migrations/
COPY schema/ schema/
COPY service/ service/
COPY --from=graphiql /graphiql/node_modules/ service/api/graphiql/node_modules/
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000
USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8000\")}/readyz', timeout=2)"]
CMD ["python", "-m", "service", "serve"]
