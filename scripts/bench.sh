#!/usr/bin/env bash
# The benchmark harness on the pinned Node (bench/README.md): builds the apps and the harness, then
# runs bench/dist/run.js with any arguments given.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
source scripts/node-env.sh
echo "bench: node $(node -v) ($(command -v node))"
export TURBO_TELEMETRY_DISABLED=1
pnpm exec turbo run build --output-logs=errors-only --filter=@shipshape/bench... --filter=./apps/*
exec node bench/dist/run.js "$@"
