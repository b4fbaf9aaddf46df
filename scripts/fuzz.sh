#!/usr/bin/env bash
# Property tests with fresh random seeds, N rounds (default 20). Each round runs under a time
# limit, so a generated case that makes a schedule loop forever shows up as a timeout with the
# seed that replays it: LRSIM_FC_SEED=<seed> pnpm test:unit property
set -uo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-20}"
for ((i = 1; i <= rounds; i++)); do
  seed=$((RANDOM * 32768 + RANDOM))
  echo "round $i/$rounds: LRSIM_FC_SEED=$seed"
  LRSIM_FC_SEED=$seed timeout 120 pnpm -s vitest run property --reporter=dot >/tmp/lrsim-fuzz.log 2>&1
  status=$?
  if ((status != 0)); then
    cat /tmp/lrsim-fuzz.log
    if ((status == 124)); then reason="timed out after 120 s"; else reason="failed (exit $status)"; fi
    echo "fuzz: $reason with LRSIM_FC_SEED=$seed" >&2
    exit 1
  fi
done
echo "fuzz: $rounds rounds passed"
