#!/usr/bin/env bash
# The whole suite from a fresh clone: set the machine up, then format-check, build, type-check,
# lint and test every workspace. Each workspace's vitest writes test-results.json, which
# scripts/count-tests.mjs sums for CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
# setup.sh ran in its own shell: put the same pinned Node first on this one's PATH too.
source scripts/node-env.sh
echo "test: node $(node -v) ($(command -v node))"
export TURBO_TELEMETRY_DISABLED=1

pnpm exec prettier --check . --log-level warn
pnpm exec turbo run build typecheck lint publint --output-logs=errors-only
# Suites that start servers, kill Redis and time shutdowns run one workspace at a time, so one
# suite's load does not skew another's timing on a two-core machine. --continue: one red suite
# does not hide the others' results.
pnpm exec turbo run test --concurrency=1 --continue --output-logs=new-only
