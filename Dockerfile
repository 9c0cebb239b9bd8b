# syntax=docker/dockerfile:1.7
# Every Driftscope image from one file (build context: the repo root), one target a process:
#   backend    `driftscope serve`, `driftscope db upgrade`; the dashboard built in a node stage
#   trainer    `driftscope train`: a C compiler builds the fast tree evaluator
#              (without cc it falls back to XGBoost, ~100x slower per row)
#   worker     `driftscope worker`; several replicas are safe: one holds the PostgreSQL
#              advisory lock, the others stand by
#   simulator  `driftscope simulate`
# An image carries only its own process's packages (its build stage syncs that package alone),
# and BuildKit builds only the stages a target needs: a simulator change rebuilds the simulator.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM node:20-bookworm-slim AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# The workspace with every process's third-party dependencies: this layer is reused until
# uv.lock or a pyproject.toml changes; each process's sync below removes what it does not use.
FROM ${PYTHON_IMAGE} AS workspace
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
COPY pyproject.toml uv.lock ./
COPY core/pyproject.toml core/
COPY backend/pyproject.toml backend/
COPY monitoring-worker/pyproject.toml monitoring-worker/
COPY traffic-simulator/pyproject.toml traffic-simulator/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --all-packages
COPY core/ core/

FROM workspace AS backend-build
COPY backend/ backend/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package driftscope-backend

FROM workspace AS worker-build
COPY monitoring-worker/ monitoring-worker/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package driftscope-worker

FROM workspace AS simulator-build
COPY traffic-simulator/ traffic-simulator/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package driftscope-simulator

# What every process runs on: no build tools, the non-root user, /data, the healthcheck script.
FROM ${PYTHON_IMAGE} AS base
# libgomp1: XGBoost's OpenMP runtime (not in the slim image).
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app driftscope \
    && mkdir -p /data && chown driftscope:driftscope /data
COPY deploy/healthcheck.py /app/healthcheck.py
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 DRIFTSCOPE_DATA_DIR=/data
WORKDIR /app
USER driftscope

# base + a C compiler, for the processes that train: `driftscope train` and the worker's
# automatic retraining compile the fast tree evaluator.
FROM base AS base-cc
USER root
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
USER driftscope

FROM base AS backend
COPY --from=backend-build /app/.venv /app/.venv
COPY --from=frontend /frontend/dist /app/frontend/dist
ENV DRIFTSCOPE_FRONTEND_DIST=/app/frontend/dist
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/healthcheck.py", "--http", "http://127.0.0.1:8000/ready"]
CMD ["driftscope", "serve", "--host", "0.0.0.0", "--port", "8000"]

FROM base-cc AS trainer
COPY --from=backend-build /app/.venv /app/.venv
CMD ["driftscope", "train", "--if-missing"]

FROM base-cc AS worker
COPY --from=worker-build /app/.venv /app/.venv
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/healthcheck.py", "--process", "worker"]
CMD ["driftscope", "worker"]

FROM base AS simulator
COPY --from=simulator-build /app/.venv /app/.venv
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "/app/healthcheck.py", "--process", "simulate"]
CMD ["driftscope", "simulate"]
