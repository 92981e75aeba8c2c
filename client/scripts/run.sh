#!/usr/bin/env bash
# run.sh BIN_DIR RUN_DIR ADDR — what `make run` does after building: start
# (or reuse) a local cipherleafd with its data in RUN_DIR, then open the app
# pointed at it. Without a display the app runs on a virtual screen (Xvfb)
# and this says where to look at it and how to stop it.
set -euo pipefail

bin=$1 run=$2 addr=$3
mkdir -p "$run"
log=$run/server.log pidfile=$run/server.pid

# The readiness check is a real TLS request to /healthz with the pin
# (bin/healthz): a bare TCP connect made the server log a handshake error.
pin=""
pid=$(cat "$pidfile" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
  pin=$("$bin/cipherleafd" fingerprint --data "$run/server" 2>/dev/null | sed -n 's/^fingerprint: //p') &&
  [ -n "$pin" ] && "$bin/healthz" --pin "$pin" "https://$addr" 2>/dev/null; then
  echo "cipherleafd already running on $addr (pid $pid, log: $log)"
else
  echo "starting cipherleafd on $addr (data: $run/server, log: $log)"
  # Its own session: Ctrl-C on the app does not reach it.
  setsid "$bin/cipherleafd" serve --data "$run/server" --addr "$addr" >"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
  pin=""
  for _ in $(seq 100); do
    pin=$(sed -n 's/^fingerprint: //p' "$log" | head -1)
    [ -n "$pin" ] && grep -q '^listening on ' "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$pin" ] || ! "$bin/healthz" --wait 10s --pin "$pin" "https://$addr"; then
    echo "cipherleafd did not start; its log ($log):"
    cat "$log"
    kill "$pid" 2>/dev/null || true
    rm -f "$pidfile"
    exit 1
  fi
fi
echo "server https://$addr fingerprint: $pin"

case "${LANG:-C}" in C | C.* | POSIX) export LANG=en_US.UTF-8 ;; esac

xvfb=""
cleanup() {
  status=$?
  if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; fi
  echo
  if kill -0 "$pid" 2>/dev/null; then
    echo "the app has exited; cipherleafd is still running (pid $pid, log: $log)."
    echo "stop it with: make stop-server"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  command -v Xvfb >/dev/null || { echo "no display found and Xvfb is not installed (apt-get install xvfb)"; exit 1; }
  n=99
  while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
  setsid Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$run/xvfb.log" 2>&1 &
  xvfb=$!
  for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  [ -e "/tmp/.X11-unix/X$n" ] || { echo "Xvfb did not start:"; cat "$run/xvfb.log"; exit 1; }
  export DISPLAY=":$n"
  cat <<MSG
no display found (DISPLAY and WAYLAND_DISPLAY are empty), so the app runs on a
virtual screen, Xvfb display :$n (1280x800), that nobody sees. To look at it:
  screenshot:  DISPLAY=:$n import -window root shot.png    (apt-get install imagemagick)
  live view:   x11vnc -display :$n -localhost                (apt-get install x11vnc),
               then a VNC viewer on this machine's port 5900 (e.g. through ssh -L 5900:localhost:5900)
Or run \`make run\` on a machine with a display (a desktop session, or ssh -X).
Stop the app with Ctrl-C; the server keeps running until \`make stop-server\`.
MSG
fi

"$bin/cipherleaf" --profile "$run/profile" --server "https://$addr" --pin "$pin"
