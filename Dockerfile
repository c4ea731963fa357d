# Forumbot container image: `docker build -t forumbot .` then `docker run --env-file deploy/forumbot.env -p 3978:3978 forumbot`
# (or `docker compose up --build`, see compose.yaml and docs/deployment.md).
#
# Two stages on the same slim base: `build` installs the pinned dependencies (requirements/runtime.lock,
# hash-checked, wheels only) and forumbot into a venv at /opt/forumbot; the final stage copies only that venv,
# so no pip cache, source tree or build tooling ends up in the image. The lock is compiled for Python 3.11
# (pyproject.toml: requires-python >= 3.11). Pin the base by digest in your own registry for repeatable builds:
#   docker build --build-arg PYTHON_IMAGE=python:3.11-slim@sha256:<digest> .
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/forumbot
WORKDIR /src
# Dependencies first: this layer is rebuilt only when the lock changes.
COPY requirements/runtime.lock requirements/runtime.lock
RUN /opt/forumbot/bin/pip install --require-hashes --only-binary=:all: -r requirements/runtime.lock
COPY pyproject.toml README.md ./
COPY bot bot
COPY dialogs dialogs
COPY domain domain
COPY storage storage
COPY manifest manifest
# setuptools and wheel come from the lock; they build forumbot here and are removed from the venv afterwards.
RUN /opt/forumbot/bin/pip install --no-deps --no-build-isolation . \
    && /opt/forumbot/bin/pip uninstall --yes setuptools wheel \
    && /opt/forumbot/bin/forumbot --help > /dev/null

FROM ${PYTHON_IMAGE}
# PGSSLROOTCERT: asyncpg verifies the PostgreSQL server certificate against this bundle with ?ssl=verify-full.
ENV PATH=/opt/forumbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PGSSLROOTCERT=/etc/ssl/certs/ca-certificates.crt \
    FORUMBOT_MODE=production \
    FORUMBOT_HOST=0.0.0.0 \
    FORUMBOT_PORT=3978
RUN groupadd --system --gid 10001 forumbot \
    && useradd --system --uid 10001 --gid forumbot --home-dir /app --no-create-home --shell /usr/sbin/nologin forumbot \
    && mkdir /app \
    && chown forumbot:forumbot /app
COPY --from=build /opt/forumbot /opt/forumbot
WORKDIR /app
USER 10001:10001
EXPOSE 3978
# python:*-slim has no curl: ask /healthz with the standard library (a non-2xx answer or no answer exits 1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:' + os.environ.get('FORUMBOT_PORT', '3978') + '/healthz'; sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"]
ENTRYPOINT ["forumbot"]
CMD ["serve"]
