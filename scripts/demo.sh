#!/usr/bin/env bash
# Runs the example stack on this machine: the orders API and the worker, sharing the embedded
# SQLite database (or PostgreSQL when DATABASE_URL is set) and the local Redis.
# Ctrl-C (or SIGTERM) shuts both down gracefully; the script exits with the first non-zero code.
# Everything listens on 127.0.0.1 only. The jobs live under their own Redis prefix (QUEUE_PREFIX,
# default shipshape-demo), removed when the demo stops.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
# setup.sh ran in its own shell: put the same pinned Node first on this one's PATH too.
source scripts/node-env.sh
echo "demo: node $(node -v) ($(command -v node))"
export TURBO_TELEMETRY_DISABLED=1
build=(pnpm exec turbo run build --filter=@shipshape/example-api --filter=@shipshape/example-worker
  --output-logs=errors-only)
# NO_COLOR (https://no-color.org) means no escape codes at all: turbo's colours and its progress
# line's cursor codes both go when it does not write to a terminal.
if [ -n "${NO_COLOR:-}" ]; then "${build[@]}" --no-color 2>&1 | cat; else "${build[@]}"; fi

export NODE_ENV=${NODE_ENV:-development}
export DATABASE_FILE=${DATABASE_FILE:-$PWD/.data/demo.sqlite}
export QUEUE_PREFIX=${QUEUE_PREFIX:-shipshape-demo}
export SERVER_HOST=127.0.0.1 ADMIN_HOST=127.0.0.1
api_port=${SERVER_PORT:-3000}
api_admin_port=${API_ADMIN_PORT:-9464}
worker_admin_port=${WORKER_ADMIN_PORT:-9465}

# A port already taken ends the demo here, with one line naming it and the variable that moves it.
# One Node process tries each port in turn.
node -e '
  const { createServer } = require("node:net");
  const taken = (port) => new Promise((resolve) => {
    const server = createServer().once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
  (async () => {
    for (const pair of process.argv.slice(1)) {
      const [name, value] = pair.split("=");
      const port = Number(value);
      if (await taken(port)) {
        console.error(`demo: 127.0.0.1:${port} is already in use; set ${name} to a free port (e.g. ${name}=${port + 100} npm run demo)`);
        process.exit(1);
      }
    }
  })();
' "SERVER_PORT=$api_port" "API_ADMIN_PORT=$api_admin_port" "WORKER_ADMIN_PORT=$worker_admin_port"

node apps/api/dist/migrate.js

# Each app gets its own session (setsid): Ctrl-C in a terminal signals the whole foreground process
# group, and the apps must hear exactly one signal — the one forwarded by stop() below — since a
# second one forces them to exit at once.
(cd apps/api && exec setsid env SERVER_PORT="$api_port" ADMIN_PORT="$api_admin_port" \
  node --import @shipshape/telemetry/register dist/main.js) &
api=$!
(cd apps/worker && exec setsid env ADMIN_PORT="$worker_admin_port" \
  node --import @shipshape/telemetry/register dist/main.js) &
worker=$!

# Once only: a second signal tells the apps to give up on a graceful shutdown and exit at once.
# The apps hear the signal the demo got (Ctrl-C: SIGINT), so their logs name it.
stopping=false
stop() {
  if [ "$stopping" = true ]; then return; fi
  stopping=true
  kill -"$1" "$api" "$worker" 2>/dev/null || true
}
trap 'stop INT' INT
trap 'stop TERM' TERM

ready() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
for _ in $(seq 1 100); do
  if ready "http://127.0.0.1:$api_admin_port/readyz" && ready "http://127.0.0.1:$worker_admin_port/readyz"; then
    cat <<MSG

shipshape demo is up (Ctrl-C stops it gracefully):
  orders API        http://127.0.0.1:$api_port/v1/orders
  API admin         http://127.0.0.1:$api_admin_port/readyz  /metrics  /admin/info
  worker admin      http://127.0.0.1:$worker_admin_port/readyz  /metrics  /admin/info
the tour is in README.md ("Five minutes with the demo"); first:
  curl -s -X POST http://127.0.0.1:$api_port/v1/orders -H 'content-type: application/json' \\
    -d '{"customer_email":"a@b.co","items":[{"sku":"SKU-1","quantity":2,"unit_price_cents":1999}]}'

MSG
    break
  fi
  if ! kill -0 "$api" 2>/dev/null || ! kill -0 "$worker" 2>/dev/null; then break; fi
  sleep 0.1
done

# The exit code of background process $1. A trapped signal cuts a `wait` short (128+n, the process
# still running): under `npm run demo` a Ctrl-C comes twice, from the terminal and forwarded by npm.
# So wait until the process is gone; bash keeps its status for the last `wait`.
exit_code_of() {
  while wait "$1"; [ $? -gt 128 ] && kill -0 "$1" 2>/dev/null; do :; done
  wait "$1"
}

# Whichever ends first (or a signal), the other is stopped too, gracefully.
set +e
wait -n "$api" "$worker"
stop TERM
exit_code_of "$api"
api_code=$?
exit_code_of "$worker"
worker_code=$?
# The demo's jobs go with it: nothing is left under its prefix in the shared Redis.
(cd apps/api && node --input-type=module -e '
  import { Queue } from "bullmq";
  import { Redis } from "ioredis";
  const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const queue = new Queue("orders", { connection, prefix: process.argv[1] });
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
' "$QUEUE_PREFIX") || echo "demo: could not remove the queue $QUEUE_PREFIX:orders from Redis" >&2
if [ "$api_code" -ne 0 ]; then exit "$api_code"; fi
exit "$worker_code"
