#!/usr/bin/env bash
# screenshot-windows.sh WIN_DIR OUT.png — opens Cipherleaf.exe under Wine on
# a virtual screen (Xvfb) and captures it (first-run screen, fresh profile).
# Needs wine64, Xvfb, ImageMagick (/usr/bin/import, /usr/bin/convert).
set -euo pipefail

# Debian's wine64 package puts wine64 and wineserver in /usr/lib/wine (the
# `wine` package adds wrappers on the PATH).
PATH=$PATH:/usr/lib/wine
wine=$(command -v wine64 || command -v wine || true)
[ -n "$wine" ] || { echo "$(basename "$0"): wine64 is not installed (apt-get install wine64)"; exit 1; }
win=$1 out=$2
for tool in Xvfb /usr/bin/import /usr/bin/convert; do
  command -v "$tool" >/dev/null || { echo "screenshot-windows: $tool missing (apt-get install wine64 xvfb imagemagick)"; exit 1; }
done
tmp=$(mktemp -d)
xvfb="" app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  WINEPREFIX="$tmp/wine" wineserver -k 2>/dev/null || true
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
n=99
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
export DISPLAY=":$n" WINEPREFIX="$tmp/wine" WINEDLLOVERRIDES="mscoree,mshtml=" LANG=en_US.UTF-8
"$wine" wineboot -i >/dev/null 2>&1
# Go's runtime needs ProcessPrng (bcryptprimitives.dll), missing in Wine 8:
# install the stand-in of wine/bcryptprimitives.c into this prefix only.
sys32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -e "$sys32/bcryptprimitives.dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -o "$sys32/bcryptprimitives.dll" \
    "$(dirname "$0")/wine/bcryptprimitives.c" "$(dirname "$0")/wine/bcryptprimitives.def" -ladvapi32
fi
WINEDEBUG=err+all CIPHERLEAF_SIZE=1100x720 "$wine" "$win/Cipherleaf.exe" >"$tmp/app.log" 2>&1 &
app=$!
# Fyne draws its first frame a few seconds after start under llvmpipe.
sleep 25
kill -0 "$app" 2>/dev/null || { echo "screenshot-windows: Cipherleaf.exe exited; its log:"; cat "$tmp/app.log"; exit 1; }
/usr/bin/import -window root "$tmp/raw.png"
/usr/bin/convert "$tmp/raw.png" -strip -define png:compression-level=9 "$out"
echo "screenshot-windows: $out (Wine's log: $(wc -l <"$tmp/app.log") lines)"
grep -m5 -i "err\|fail" "$tmp/app.log" || true
