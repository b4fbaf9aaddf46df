#!/usr/bin/env bash
# Reproduces docs/training.md's "Matching PyTorch" figures: the same MLP, data split, optimizer
# and schedule trained by lrsim and by PyTorch (Debian's python3-torch), 5 seeds each.
#   bash scripts/pytorch-reference/compare-mnist.sh [SEEDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=${1:-5}
out=$(mktemp -d)
node --conditions=@lrsim/source --import tsx scripts/pytorch-reference/export-dataset.ts mnist "$out"
echo "PyTorch:"
/usr/bin/python3 scripts/pytorch-reference/mnist_mlp.py "$out" "$seeds"
echo "lrsim:"
for ((s = 0; s < seeds; s++)); do
  pnpm -s lrsim run --schedule "step(lr=0.1, stepSize=5, gamma=0.5)" --model mlp --dataset mnist --epochs 10 --seed "$s" --json |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(JSON.stringify({seed:r.seed,testAccuracy:r.final.testAccuracy,testLoss:r.final.testLoss,seconds:+(r.wallMs/1000).toFixed(1)}))})'
done
