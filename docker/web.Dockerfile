# The web tier: daphne serving Django (HTTP + WebSockets). It never imports torch, but it
# carries the same Python packages as the worker (CPU torch wheel) so /ready's detector
# probes (package and weight checks) answer for the image the workers run.
# Build from the repository root:  docker build -f docker/web.Dockerfile -t aidetect-web .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    AIDETECT_VAR_DIR=/var/lib/aidetect \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/var/lib/aidetect/media \
    PROMETHEUS_MULTIPROC_DIR=/run/aidetect-metrics

RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libsndfile1 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app app

WORKDIR /app
COPY pyproject.toml README.md ./
COPY .ci/requirements-nodeps.txt .ci/requirements-nodeps.txt
# torch first and pinned, from the CPU index: an unpinned resolution pulls CUDA wheels.
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0" \
 && mkdir -p config accounts detection \
 && pip install . \
 && pip install --no-deps -r .ci/requirements-nodeps.txt \
 && pip uninstall -y aidetect

COPY manage.py ./
COPY config config
COPY accounts accounts
COPY detection detection
COPY frontend frontend
COPY templates templates
COPY static static
COPY docker/entrypoint.sh /usr/local/bin/aidetect-entrypoint

RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && mkdir -p /var/lib/aidetect/media /run/aidetect-metrics \
 && chown -R app:app /var/lib/aidetect /run/aidetect-metrics

USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
ENTRYPOINT ["aidetect-entrypoint"]
# --proxy-headers: nginx's X-Forwarded-For becomes the client address (rate limits, audit).
# -t: an HTTP request that takes longer than this is answered 503 by daphne.
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "-t", "120", \
     "--websocket_timeout", "3600", "--application-close-timeout", "10", \
     "config.asgi:application"]
