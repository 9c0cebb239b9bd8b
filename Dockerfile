# syntax=docker/dockerfile:1.7
# Backend image (build context: the repo root). Targets:
#   runtime (default)  `driftscope serve`, `driftscope db upgrade`; the dashboard built in a node stage
#   trainer            runtime + a C compiler: `driftscope train` builds the fast tree evaluator
#                      (without cc it falls back to XGBoost, ~100x slower per row)
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM node:20-bookworm-slim AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM ${PYTHON_IMAGE} AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Third-party dependencies first: this layer is reused until uv.lock changes.
COPY pyproject.toml uv.lock ./
COPY core/pyproject.toml core/
COPY backend/pyproject.toml backend/
COPY monitoring-worker/pyproject.toml monitoring-worker/
COPY traffic-simulator/pyproject.toml traffic-simulator/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package driftscope-backend
COPY core/ core/
COPY backend/ backend/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package driftscope-backend

FROM ${PYTHON_IMAGE} AS runtime
# libgomp1: XGBoost's OpenMP runtime (not in the slim image).
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app driftscope \
    && mkdir -p /data && chown driftscope:driftscope /data
COPY --from=build /app/.venv /app/.venv
COPY --from=frontend /frontend/dist /app/frontend/dist
COPY deploy/healthcheck.py /app/healthcheck.py
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 \
    DRIFTSCOPE_DATA_DIR=/data DRIFTSCOPE_FRONTEND_DIST=/app/frontend/dist
WORKDIR /app
USER driftscope
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/healthcheck.py", "--http", "http://127.0.0.1:8000/ready"]
CMD ["driftscope", "serve", "--host", "0.0.0.0", "--port", "8000"]

FROM runtime AS trainer
USER root
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
USER driftscope
HEALTHCHECK NONE
CMD ["driftscope", "train", "--if-missing"]
