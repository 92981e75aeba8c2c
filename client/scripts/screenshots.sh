#!/usr/bin/env bash
# screenshots.sh BIN_DIR OUT_DIR — run the real Cipherleaf app under Xvfb
# against a throwaway local cipherleafd seeded with sample notes (and one
# conflict), and capture the main screens as PNGs into OUT_DIR.
# Needs: xvfb-run, xdotool, ImageMagick (/usr/bin/import, /usr/bin/convert).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${1:-$repo/bin}
out=${2:-$repo/assets/screenshots}
mkdir -p "$bin" "$out"

for tool in xvfb-run xdotool /usr/bin/import /usr/bin/convert; do
  command -v "$tool" >/dev/null || { echo "screenshots: $tool missing (apt-get install xvfb xauth xdotool imagemagick)"; exit 1; }
done

echo "screenshots: building"
(cd "$repo/server" && go build -o "$bin/cipherleafd" ./cmd/cipherleafd)
(cd "$repo/client" && go build -o "$bin/cipherleaf" ./cmd/cipherleaf && go build -o "$bin/cipherleaf-seed" ./cmd/cipherleaf-seed)

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin/cipherleafd" serve --data "$tmp/server" --addr 127.0.0.1:0 >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "^listening on " "$tmp/server.log" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$tmp/server.log" | head -1)
pin=$(sed -n 's/^fingerprint: //p' "$tmp/server.log" | head -1)
[ -n "$url" ] && [ -n "$pin" ] || { echo "screenshots: server did not start"; cat "$tmp/server.log"; exit 1; }
echo "screenshots: server $url $pin"

password="lemon tree sky blue"
"$bin/cipherleaf-seed" --server "$url" --pin "$pin" --profile "$tmp/profile" --device2 "$tmp/phone" \
  --user alice --password "$password"

# A fresh HOME keeps Fyne's preferences (theme, auto-lock) out of the real one.
export HOME="$tmp/home" LANG=en_US.UTF-8
mkdir -p "$HOME"

# shot NAME SIZE PROFILE UNLOCK [ENV=VALUE...]: start the app, optionally
# type the password, wait for the screen to settle, capture the root window.
cat >"$tmp/shot.sh" <<'SHOT'
#!/usr/bin/env bash
set -euo pipefail
name=$1 size=$2 profile=$3 unlock=$4; shift 4
env "$@" CIPHERLEAF_SIZE="$size" "$BIN/cipherleaf" --profile "$profile" --server "$URL" --pin "$PIN" >"$TMP/$name.log" 2>&1 &
app=$!
wid=$(timeout 30 xdotool search --sync --onlyvisible --name 'Cipherleaf$' | head -1)
xdotool windowmove "$wid" 0 0 windowfocus --sync "$wid" || true
sleep 1.5
if [ "$unlock" = yes ]; then
  xdotool type --delay 20 "$PASSWORD"
  xdotool key Return
  sleep 8 # key derivation (slow on a busy machine), first sync
fi
/usr/bin/import -window root "$TMP/$name.raw.png"
/usr/bin/convert "$TMP/$name.raw.png" -crop "${size}+0+0" +repage -strip -define png:compression-level=9 "$OUT/$name.png"
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
echo "screenshots: $OUT/$name.png"
SHOT
chmod +x "$tmp/shot.sh"
export BIN="$bin" URL="$url" PIN="$pin" TMP="$tmp" OUT="$out" PASSWORD="$password"

xvfb-run -a -s "-screen 0 1920x1080x24" bash -c '
  set -e
  s=$TMP/shot.sh
  $s firstrun 1280x800 $TMP/empty-profile no CIPHERLEAF_THEME=light
  $s unlock 1280x800 $TMP/profile no CIPHERLEAF_THEME=light
  $s main-light 1280x800 $TMP/profile yes CIPHERLEAF_THEME=light
  $s main-dark 1280x800 $TMP/profile yes CIPHERLEAF_THEME=dark
  $s settings 1280x800 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=settings
  $s resolve 1280x800 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=resolve
  $s main-800x600 800x600 $TMP/profile yes CIPHERLEAF_THEME=light
  $s main-800x600-dark 800x600 $TMP/profile yes CIPHERLEAF_THEME=dark
  $s main-1920x1080 1920x1080 $TMP/profile yes CIPHERLEAF_THEME=light
  $s main-1920x1080-dark 1920x1080 $TMP/profile yes CIPHERLEAF_THEME=dark
  $s preview-light 1280x800 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=preview
  $s preview-dark 1280x800 $TMP/profile yes CIPHERLEAF_THEME=dark CIPHERLEAF_SCREEN=preview
  $s notebooks 1280x800 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=notebooks
  $s notebooks-800x600 800x600 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=notebooks
  $s history 1280x800 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=history
  $s history-800x600 800x600 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=history
  $s trash 1280x800 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=trash
  $s trash-800x600 800x600 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=trash
'

# The operator replaces the server's certificate (same data, new key pair):
# the app stops syncing and offers to review and re-pin it.
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
rm -f "$tmp/server/tls-cert.pem" "$tmp/server/tls-key.pem"
"$bin/cipherleafd" serve --data "$tmp/server" --addr "${url#https://}" >"$tmp/server2.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "^listening on " "$tmp/server2.log" && break; sleep 0.1; done
grep -q "^listening on " "$tmp/server2.log" || { echo "screenshots: server did not restart"; cat "$tmp/server2.log"; exit 1; }
echo "screenshots: new certificate $(sed -n 's/^fingerprint: //p' "$tmp/server2.log")"
xvfb-run -a -s "-screen 0 1920x1080x24" bash -c '
  set -e
  $TMP/shot.sh repin 1280x800 $TMP/profile yes CIPHERLEAF_THEME=light CIPHERLEAF_SCREEN=repin
'
ls -l "$out"
