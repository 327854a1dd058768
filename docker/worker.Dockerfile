# The GPU worker: Celery on the `gpu` queue with CUDA torch. A thread pool lets concurrent
# jobs share one copy of each model and be batched into one forward pass
# (detection/batching.py). Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t aidetect-worker .
# TORCH_INDEX must offer a CUDA build of the pinned torch that the base image's CUDA runs.
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
FROM ${CUDA_IMAGE}
ARG TORCH_INDEX=https://download.pytorch.org/whl/cu128

ENV DEBIAN_FRONTEND=noninteractive \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings \
    AIDETECT_VAR_DIR=/var/lib/aidetect \
    MEDIA_ROOT=/var/lib/aidetect/media \
    DETECTION_CACHE_DIR=/var/cache/aidetect \
    PROMETHEUS_MULTIPROC_DIR=/run/aidetect-metrics \
    DETECTION_WORKER_METRICS_PORT=9808

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv libpq5 libsndfile1 \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/venv \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app app

WORKDIR /app
COPY pyproject.toml README.md ./
COPY .ci/requirements-nodeps.txt .ci/requirements-nodeps.txt
RUN pip install --index-url "${TORCH_INDEX}" "torch==2.13.0" \
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
COPY docker/entrypoint.sh /usr/local/bin/aidetect-entrypoint
RUN mkdir -p /var/lib/aidetect/media /var/cache/aidetect /run/aidetect-metrics \
 && chown -R app:app /var/lib/aidetect /var/cache/aidetect /run/aidetect-metrics

USER app
EXPOSE 9808
# Healthy when the worker answers a broadcast ping over the broker (not just "process up").
HEALTHCHECK --interval=30s --timeout=20s --start-period=120s --retries=3 \
  CMD celery -A config inspect ping -d "gpu@$HOSTNAME" --timeout 10 >/dev/null
ENTRYPOINT ["aidetect-entrypoint"]
CMD ["sh", "-c", "exec celery -A config worker -P threads -c ${WORKER_CONCURRENCY:-8} -Q ${WORKER_QUEUES:-gpu,live,default} -n gpu@$HOSTNAME --without-gossip --without-mingle -l INFO"]
