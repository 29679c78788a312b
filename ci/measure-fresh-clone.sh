#!/usr/bin/env bash
# Times what a new reader or CI goes through, on this machine, and prints the figures:
#   fresh clone -> `ci/book test` passed, and fresh clone -> `ci/book serve` answering.
# Usage: ci/measure-fresh-clone.sh [--cold]
#   --cold  start from an empty tool cache (every pinned tool is built, as on a new machine);
#           without it, the cache in ~/.cache/wasi-exploration is reused, as on a second clone.
# The crates.io download cache (~/.cargo/registry) is reused either way.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
label="warm tool cache"
if [ "${1:-}" = "--cold" ]; then
  export WASI_BOOK_CACHE=$work/cache
  label="empty tool cache"
fi
port=3917
echo "measure: machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $label; scratch: $work"

git clone -q "$repo" "$work/test"
start=$(date +%s)
if ! (cd "$work/test" && ci/book test >"$work/test.log" 2>&1); then
  echo "measure: ci/book test FAILED; log: $work/test.log" >&2
  exit 1
fi
echo "measure: fresh clone -> ci/book test passed: $(( $(date +%s) - start )) s ($(tail -n 1 "$work/test.log"))"

git clone -q "$repo" "$work/serve"
start=$(date +%s)
(cd "$work/serve" && WASI_BOOK_PORT=$port exec ci/book serve >"$work/serve.log" 2>&1) &
server=$!
# Bounded: give up after 40 minutes.
for _ in $(seq 1 2400); do
  if curl -sf "http://127.0.0.1:$port/hello-wasi.html" | grep -q "Hello, WASI!"; then
    echo "measure: fresh clone -> book served with live outputs: $(( $(date +%s) - start )) s"
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "measure: ci/book serve exited early; log: $work/serve.log" >&2
    exit 1
  fi
  sleep 1
done
pkill -TERM -P "$server" 2>/dev/null || true
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
pkill -f "mdbook serve --hostname 127.0.0.1 --port $port" 2>/dev/null || true
