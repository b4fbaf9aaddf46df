#!/usr/bin/env bash
# Wall time of one 24-run sweep three ways, alternated over ROUNDS rounds (docs/sweeps.md):
# embedded with the default choice of runs at once, embedded one run at a time on every worker,
# and two local `lrsim worker` processes (one thread each) behind a coordinator on a private
# redis-server (persistence off). Usage: scripts/sweep-timing.sh [ROUNDS]   (needs redis-server)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
GRID=(--schedules step,onecycle,batchramp --lr 0.1,0.2,0.5,1 --batch-size 64,128 --epochs 10)
LRSIM=(node --conditions=@lrsim/source --import tsx packages/cli/src/bin.ts)
WORK=$(mktemp -d)
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --pidfile "$WORK/redis.pid" >/dev/null
trap 'kill "$(cat "$WORK/redis.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT
sleep 0.5
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for round in $(seq "$ROUNDS"); do
  rm -f "$WORK"/*.db*
  echo "round $round  embedded (default)           $(seconds "${LRSIM[@]}" sweep "${GRID[@]}" --db "$WORK/a.db") s"
  echo "round $round  embedded --runs-at-once 1    $(seconds "${LRSIM[@]}" sweep "${GRID[@]}" --runs-at-once 1 --db "$WORK/b.db") s"
  "${LRSIM[@]}" worker --redis "redis://127.0.0.1:$PORT" --workers 1 >"$WORK/w1.log" 2>&1 & W1=$!
  "${LRSIM[@]}" worker --redis "redis://127.0.0.1:$PORT" --workers 1 >"$WORK/w2.log" 2>&1 & W2=$!
  echo "round $round  2 lrsim worker processes     $(seconds "${LRSIM[@]}" sweep "${GRID[@]}" --db "$WORK/c.db" --redis "redis://127.0.0.1:$PORT") s"
  kill -INT "$W1" "$W2"; wait "$W1" "$W2" || true
done
