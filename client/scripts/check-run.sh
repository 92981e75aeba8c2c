#!/usr/bin/env bash
# check-run.sh BIN_DIR — checks what a newcomer sees from a headless
# `make run` (client/scripts/run.sh) on a first start: it says that no
# display was found, how to see the screen and how to stop; the app starts
# and quits (Ctrl-C) printing no error or warning; the server logs no TLS
# handshake error from the readiness check; `make stop-server` is named
# when the app exits and the server keeps running. Leaves nothing behind.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=$1
tmp=$(mktemp -d)
run_pid="" server_pid=""
cleanup() {
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null || true
  server_pid=$(cat "$tmp/run/server.pid" 2>/dev/null || true)
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "check-run: FAIL: $*"; echo "--- make run printed:"; cat "$tmp/out"; echo "--- server log:"; cat "$tmp/run/server.log" 2>/dev/null; exit 1; }

port=$((20000 + RANDOM % 20000))
# A fresh HOME: a first start, and Fyne's preferences stay out of the real one.
mkdir "$tmp/home"
env -u DISPLAY -u WAYLAND_DISPLAY HOME="$tmp/home" \
  setsid bash "$here/run.sh" "$bin" "$tmp/run" "127.0.0.1:$port" >"$tmp/out" 2>&1 &
run_pid=$!

# Wait for the app's window: it is up once the Fyne preferences folder
# exists (created when the app starts) and the hint was printed.
for _ in $(seq 300); do
  grep -q '^Stop the app' "$tmp/out" && [ -d "$tmp/home/.config/fyne/dev.cipherleaf.app" ] && break
  kill -0 "$run_pid" 2>/dev/null || fail "make run exited early"
  sleep 0.1
done
grep -q '^Stop the app' "$tmp/out" || fail "no hint printed in 30 s"
sleep 3 # let the first screen render and settle before quitting
app=$(pgrep -f -n "^$bin/cipherleaf --profile $tmp/run/profile" || true)
[ -n "$app" ] || fail "the app is not running"
kill -INT "$app" # what Ctrl-C does to the app
for _ in $(seq 200); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$run_pid" 2>/dev/null && fail "make run did not end after the app quit"
run_pid=""

for want in "no display found" "import -window root" "x11vnc" "Ctrl-C" "make stop-server"; do
  grep -qF -- "$want" "$tmp/out" || fail "make run did not print \"$want\""
done
if grep -iE "error|warn|fail" "$tmp/out"; then fail "make run printed an error or warning (above)"; fi
if grep -i "handshake" "$tmp/run/server.log"; then fail "the server logged a handshake error"; fi
server_pid=$(cat "$tmp/run/server.pid")
kill -0 "$server_pid" 2>/dev/null || fail "the server did not keep running after the app quit"
echo "check-run: ok (headless hint, clean first start and quit, no handshake error)"
