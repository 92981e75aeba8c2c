#!/usr/bin/env bash
# screenshot-windows.sh WIN_DIR OUT.png — opens Cipherleaf.exe under Wine on
# a virtual screen (Xvfb) and captures it (first-run screen, fresh profile).
# The app runs inside Wine's virtual desktop (explorer /desktop), so the
# window has Windows' frame and title bar, drawn by Wine.
# Needs wine64, fonts-wine (the title bar's Marlett glyphs), Xvfb, xdotool,
# ImageMagick (/usr/bin/import, /usr/bin/convert).
# Prints the OpenGL version and renderer Wine's WGL found (its +wgl trace).
set -euo pipefail

# Debian's wine64 package puts wine64 and wineserver in /usr/lib/wine (the
# `wine` package adds wrappers on the PATH).
PATH=$PATH:/usr/lib/wine
wine=$(command -v wine64 || command -v wine || true)
[ -n "$wine" ] || { echo "$(basename "$0"): wine64 is not installed (apt-get install wine64)"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
win=$1 out=$2
for tool in Xvfb xdotool /usr/bin/import /usr/bin/convert; do
  command -v "$tool" >/dev/null || { echo "screenshot-windows: $tool missing (apt-get install xvfb xdotool imagemagick)"; exit 1; }
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
x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  "$here/wine/bcryptprimitives.c" "$here/wine/bcryptprimitives.def" -ladvapi32
# Wine's own fonts (fonts-wine: Marlett for the title bar's buttons, Tahoma
# for its text) are not put into a new prefix by Debian's wine64 8: without
# them the buttons read "0 1 r". Copy them into this prefix.
cp /usr/share/wine/fonts/*.ttf "$WINEPREFIX/drive_c/windows/Fonts/" 2>/dev/null ||
  echo "screenshot-windows: no /usr/share/wine/fonts (apt-get install fonts-wine): the title bar's buttons will read \"0 1 r\""
WINEDEBUG=err+all,trace+wgl CIPHERLEAF_SIZE=1100x720 \
  "$wine" explorer /desktop=cipherleaf,1280x800 "$win/Cipherleaf.exe" >"$tmp/app.log" 2>&1 &
app=$!
# Wait for the app's window, then for its first frame: the desktop, the
# frame and an unpainted client area have a few dozen colours, the drawn
# welcome screen (anti-aliased text) several hundred.
wid=$(timeout 90 xdotool search --sync --onlyvisible --name 'Cipherleaf$' | head -1) ||
  { echo "screenshot-windows: no Cipherleaf window within 90 s; Wine's errors:"; grep -v ':trace:' "$tmp/app.log" | tail -20; exit 1; }
colours=0
for _ in $(seq 120); do
  kill -0 "$app" 2>/dev/null || { echo "screenshot-windows: Cipherleaf.exe exited; Wine's errors:"; grep -v ':trace:' "$tmp/app.log" | tail -20; exit 1; }
  /usr/bin/import -window root "$tmp/raw.png"
  colours=$(/usr/bin/convert "$tmp/raw.png" -format %k info:)
  [ "$colours" -gt 200 ] && break
  sleep 0.5
done
[ "$colours" -gt 200 ] || { echo "screenshot-windows: the window ($wid) stayed blank for 60 s"; exit 1; }
# One more frame's time, so the text cursor and fonts have settled.
sleep 1
/usr/bin/import -window root "$tmp/raw.png"
/usr/bin/convert "$tmp/raw.png" -strip -define png:compression-level=9 "$out"
echo "screenshot-windows: $out ($(/usr/bin/convert "$out" -format %k info:) colours)"
sed -n 's/.*X11DRV_WineGL_InitOpenglInfo \(GL version\|GL renderer\) *: /screenshot-windows: Wine WGL \1: /p' "$tmp/app.log"
grep -m5 ':err:' "$tmp/app.log" || true
