#!/usr/bin/env bash
# Makes a fresh machine ready to build, test and run shipshape. Safe to run again: every step first
# checks whether its work is already done, and says so.
#   - Node.js at the version pinned in .node-version (scripts/node-env.sh; the system Node is untouched)
#   - pnpm at the version pinned in package.json
#   - workspace dependencies from the lockfile (native modules built against the local Node headers)
#   - the system packages in scripts/system-packages.txt (redis-server, the PostgreSQL server, promtool,
#     kubectl…): the same list the CI workflow installs on its runner
#   - Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432 answering (started when not)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'setup: %s\n' "$*"; }
fail() {
  printf 'setup: FAILED: %s\n' "$*" >&2
  exit 1
}

apt_updated=false
apt_install() {
  command -v apt-get >/dev/null || fail "$* missing and apt-get is not available here: install $* by hand, then run this again."
  [ "$(id -u)" = 0 ] || fail "$* missing: run this script as root (it installs Debian packages), or install $* by hand."
  if [ "$apt_updated" = false ]; then
    apt-get update -qq >/dev/null || fail "apt-get update failed: is the Debian mirror reachable?"
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    fail "apt-get install $* failed."
}

wait_until() { # seconds, description, command...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  fail "$what did not answer within ${seconds}s."
}

# --- Node -----------------------------------------------------------------------------------------
system_node=$(command -v node || true)
system_version=$(node -v 2>/dev/null || echo none)
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh || fail "Node.js $(cat .node-version) could not be made available (see above)."
case "$SHIPSHAPE_NODE_SOURCE" in
  system) say "node $(node -v): already installed (the machine's own, $(command -v node))" ;;
  cached) say "node $(node -v): already installed in $(dirname "$(dirname "$(command -v node)")") (system node $system_version left alone)" ;;
  installed) say "node $(node -v): installed from the npm registry into $(dirname "$(dirname "$(command -v node)")") (system node $system_version left alone)" ;;
esac

# --- pnpm -----------------------------------------------------------------------------------------
pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" = "$pnpm_version" ]; then
  say "pnpm $pnpm_version: already installed"
else
  npm install --global --silent "pnpm@$pnpm_version" >/dev/null || fail "npm could not install pnpm@$pnpm_version."
  hash -r
  [ "$(pnpm --version 2>/dev/null || true)" = "$pnpm_version" ] ||
    fail "pnpm $pnpm_version was installed but 'pnpm' on PATH is $(command -v pnpm || echo missing)."
  say "pnpm $pnpm_version: installed"
fi

# --- dependencies ---------------------------------------------------------------------------------
# better-sqlite3 compiles from source against the headers of the Node in use (npm_config_nodedir,
# set by node-env.sh: pnpm's bundled node-gyp ignores .npmrc and would otherwise download them).
export TURBO_TELEMETRY_DISABLED=1
install_log=$(mktemp)
if ! pnpm install --frozen-lockfile --reporter=append-only >"$install_log" 2>&1; then
  tail -n 30 "$install_log" >&2
  fail "pnpm install failed (output above)."
fi
if grep -qE '^(Already up to date|Lockfile is up to date)' "$install_log" && ! grep -qE '^Packages: \+' "$install_log"; then
  say "dependencies: already installed"
else
  say "dependencies: installed from pnpm-lock.yaml"
fi
rm -f "$install_log"
# A checkout installed under another Node holds a better-sqlite3 built for that Node's ABI.
sqlite_loads() { (cd apps/api && node -e 'new (require("better-sqlite3"))(":memory:").close()') >/dev/null 2>&1; }
if ! sqlite_loads; then
  pnpm rebuild better-sqlite3 >/dev/null 2>&1 || fail "pnpm rebuild better-sqlite3 failed for Node $(node -v)."
  sqlite_loads || fail "better-sqlite3 does not load on Node $(node -v) even after a rebuild."
  say "better-sqlite3: rebuilt for Node $(node -v)"
fi

# --- system packages ------------------------------------------------------------------------------
# One list for this script and .github/workflows/ci.yml: scripts/system-packages.txt, one
# "<package> <command> <on ubuntu-24.04>" per line, Debian 12 names; a package is installed when its
# command is not on PATH (the third column is for the CI runner).
missing_packages=()
missing_commands=()
while read -r package command _; do
  if command -v "$command" >/dev/null; then
    say "$command: already installed"
  else
    missing_packages+=("$package")
    missing_commands+=("$command")
  fi
done < <(grep -Ev '^[[:space:]]*(#|$)' scripts/system-packages.txt)
if [ ${#missing_packages[@]} -gt 0 ]; then
  apt_install "${missing_packages[@]}"
  for i in "${!missing_packages[@]}"; do
    command -v "${missing_commands[$i]}" >/dev/null ||
      fail "Debian's ${missing_packages[$i]} package was installed but ${missing_commands[$i]} is still not on PATH."
    say "${missing_commands[$i]}: installed from Debian's ${missing_packages[$i]} package"
  done
fi

# --- Redis ----------------------------------------------------------------------------------------
redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
if command -v redis-cli >/dev/null && redis_answers; then
  say "redis on 127.0.0.1:6379: already answering"
else
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null ||
    fail "redis-server would not start; see /var/log/redis/ci.log."
  wait_until 10 "redis on 127.0.0.1:6379" redis_answers
  say "redis on 127.0.0.1:6379: started"
fi

# --- PostgreSQL -----------------------------------------------------------------------------------
pg_answers() { pg_isready -q -h 127.0.0.1 -p 5432; }
psql_admin() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"; }
if command -v pg_isready >/dev/null && pg_answers; then
  say "postgresql on 127.0.0.1:5432: already answering"
else
  fresh_install=false
  case " ${missing_packages[*]-} " in *" postgresql "*) fresh_install=true ;; esac
  if [ ! -d /etc/postgresql ] || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    apt_install postgresql
    fresh_install=true
    say "postgresql: installed from Debian"
  fi
  pg_version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ "$fresh_install" = true ]; then
    # The tests connect as postgres over TCP without a password, as on this project's machines.
    hba=/etc/postgresql/$pg_version/main/pg_hba.conf
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start ||
    fail "PostgreSQL $pg_version would not start; see /var/log/postgresql/."
  wait_until 20 "postgresql on 127.0.0.1:5432" pg_answers
  say "postgresql on 127.0.0.1:5432: started"
fi
psql_admin -c 'select 1' >/dev/null ||
  fail "postgresql answers but rejects 'psql -h 127.0.0.1 -U postgres' without a password: allow trust auth for 127.0.0.1 in pg_hba.conf."
if [ "$(psql_admin -c "select 1 from pg_database where datname = 'test'")" = 1 ]; then
  say "postgresql database 'test': already exists"
else
  psql_admin -c 'create database test' >/dev/null
  say "postgresql database 'test': created"
fi

say "ready."
