#!/usr/bin/env bash
# Golden-output test of one image case on an emulated AVX2-only CPU (Haswell: no AVX-512,
# no VNNI), the kind of CPU where issue 10's real photos were called AI.
#   bash bench/golden_on_emulated_cpu.sh [case]     (a -k word; default astronaut)
# Runs it twice under qemu user-mode emulation (apt-get install qemu-user): with
# DETECTION_IMAGE_PRECISION=fast (the default INT8 kernels: the code as it was) it must FAIL,
# with the default setting (auto: the CPU-independent session where the kernels differ) it
# must PASS. Emulation is slow: about 5-10 minutes per run on one core.
set -uo pipefail
cd "$(dirname "$0")/.."
CASE=${1:-astronaut}
CPU=${QEMU_CPU_MODEL:-Haswell-v4}
command -v qemu-x86_64 >/dev/null || { echo "qemu-x86_64 missing: apt-get install qemu-user"; exit 2; }
run() {
  env "$@" DETECTION_IMAGE_WORKERS=1 qemu-x86_64 -cpu "$CPU" .venv/bin/python -m pytest \
    tests/golden -q -p no:cacheprovider -k "golden_outputs and $CASE" 2>&1 \
    | grep -v "TCG doesn't support" | tail -15
  return "${PIPESTATUS[0]}"
}
echo "== $CPU, DETECTION_IMAGE_PRECISION=fast (default INT8 kernels): expected to FAIL"
run DETECTION_IMAGE_PRECISION=fast; fast=$?
echo "== $CPU, DETECTION_IMAGE_PRECISION=auto (the fix): expected to PASS"
run DETECTION_IMAGE_PRECISION=auto; fixed=$?
echo "fast: exit $fast (want non-zero); fixed: exit $fixed (want 0)"
[ "$fast" -ne 0 ] && [ "$fixed" -eq 0 ]
