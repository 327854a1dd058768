#!/bin/sh
# Container entry point for the web and worker images.
set -eu
# prometheus_client's multiprocess files belong to this container's processes only; files
# left by a previous run would report dead processes' counters as live.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete
fi
if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
  python manage.py migrate --noinput
fi
exec "$@"
