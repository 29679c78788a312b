#!/usr/bin/env bash
# Times what a new reader or CI goes through, on this machine, and prints the figures:
#   fresh clone -> `ci/book test` passed, then the same again with nothing changed;
#   fresh clone -> `ci/book serve` answering (the first page), then showing live output.
# Usage: ci/measure-fresh-clone.sh [--cold] [--serve-only] [--first-page]
#   --cold        as on a new machine: each run starts from an empty cache of its own (every
#                 pinned tool is built); without it, ~/.cache/wasi-exploration is reused, as
#                 on a machine that built the book before. Each clone compiles its own crates.
#   --serve-only  skip the test run.
#   --first-page  stop serving once the first page is served (do not wait for live output).
# The toolchains (rustup) and the crates.io download cache (~/.cargo/registry) are reused.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
cold=no serve_only=no first_page=no
for a in "$@"; do
  case $a in
    --cold) cold=yes ;;
    --serve-only) serve_only=yes ;;
    --first-page) first_page=yes ;;
    *) echo "usage: $0 [--cold] [--serve-only] [--first-page]" >&2; exit 2 ;;
  esac
done
label="warm cache (the pinned tools)"
[ $cold = yes ] && label="empty cache for each run"
port=3917
echo "measure: machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $label; scratch: $work"

# The cache a run uses: a new empty one per run with --cold, else the machine's.
cache_for() { if [ $cold = yes ]; then echo "$work/cache-$1"; else echo "${WASI_BOOK_CACHE:-}"; fi; }
with_cache() { local c; c=$(cache_for "$1"); shift; if [ -n "$c" ]; then WASI_BOOK_CACHE=$c "$@"; else "$@"; fi; }

if [ $serve_only = no ]; then
  git clone -q "$repo" "$work/test"
  start=$(date +%s)
  if ! (cd "$work/test" && with_cache test ci/book test >"$work/test.log" 2>&1); then
    echo "measure: ci/book test FAILED; log: $work/test.log" >&2
    exit 1
  fi
  echo "measure: fresh clone -> ci/book test passed: $(( $(date +%s) - start )) s ($(tail -n 1 "$work/test.log"))"
  start=$(date +%s)
  if ! (cd "$work/test" && with_cache test ci/book test >"$work/test-again.log" 2>&1); then
    echo "measure: ci/book test, run again, FAILED; log: $work/test-again.log" >&2
    exit 1
  fi
  echo "measure: the same clone, ci/book test again, nothing changed: $(( $(date +%s) - start )) s"
fi

git clone -q "$repo" "$work/serve"
start=$(date +%s)
# In a process group of its own (job control on), so that stopping it stops everything it
# started: mdbook, and the builds of setup when it stops before they end (--first-page).
set -m
(cd "$work/serve" && WASI_BOOK_PORT=$port with_cache serve ci/book serve >"$work/serve.log" 2>&1) &
server=$!
set +m
# Stopped however this script ends (an error, Ctrl-C), not only at the end.
trap 'kill -TERM -- "-$server" 2>/dev/null || true' EXIT
first=""
# Bounded: give up after 40 minutes.
for _ in $(seq 1 2400); do
  page=$(curl -sf "http://127.0.0.1:$port/hello-wasi.html" || true)
  if [ -z "$first" ] && [ -n "$page" ]; then
    first=$(( $(date +%s) - start ))
    echo "measure: fresh clone -> first page served: $first s"
    [ $first_page = yes ] && break
  fi
  if [ -n "$page" ] && grep -q "Hello, WASI!" <<<"$page" \
    && ! grep -q -e "Recorded output\." -e "Live output on its way" <<<"$page"; then
    echo "measure: fresh clone -> book served with live outputs: $(( $(date +%s) - start )) s"
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "measure: ci/book serve exited early; log: $work/serve.log" >&2
    exit 1
  fi
  sleep 1
done
kill -TERM -- "-$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
pkill -f "mdbook serve --hostname 127.0.0.1 --port $port" 2>/dev/null || true
