#!/usr/bin/env bash
# test-windows.sh BIN_DIR WIN_DIR — the Windows build, tested on Linux:
#  1. Authenticode: a copy of each .exe in WIN_DIR is signed with a throw-away
#     self-signed certificate and verified; a tampered copy must fail.
#  2. Under Wine: cipherleaf-cli.exe registers against the Linux cipherleafd
#     (BIN_DIR) over TLS with the pin, creates notes and syncs; the Linux CLI
#     on a second profile reads them byte for byte, and the reverse. The
#     vault must land in %AppData%\Cipherleaf. Notes titled with Windows'
#     reserved names and characters export under Windows.
# Everything lives in one temporary folder (Wine prefix included), removed
# at the end whatever the outcome.
set -euo pipefail

# Debian's wine64 package puts wine64 and wineserver in /usr/lib/wine (the
# `wine` package adds wrappers on the PATH).
PATH=$PATH:/usr/lib/wine
wine=$(command -v wine64 || command -v wine || true)
[ -n "$wine" ] || { echo "$(basename "$0"): wine64 is not installed (apt-get install wine64)"; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
bin=$1 win=$2
tmp=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  if [ -d "$tmp/wine" ]; then WINEPREFIX="$tmp/wine" wineserver -k 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test-windows: FAIL: $*"; exit 1; }
step() { echo "test-windows: [${SECONDS}s] $*"; }

# 1. Signing.
step "signing with a throw-away self-signed certificate"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Cipherleaf throw-away test" \
  -addext "extendedKeyUsage=codeSigning" -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
mkdir "$tmp/signed"
cp "$win"/*.exe "$tmp/signed/"
bash "$here/sign-windows.sh" "$tmp/cert.pem" "$tmp/key.pem" "$tmp/signed"/*.exe >/dev/null
for exe in "$tmp/signed"/*.exe; do
  osslsigncode verify -CAfile "$tmp/cert.pem" -in "$exe" >"$tmp/verify.log" 2>&1 ||
    { cat "$tmp/verify.log"; fail "$(basename "$exe"): signature does not verify"; }
  grep -q "Signature verification: ok" "$tmp/verify.log" || { cat "$tmp/verify.log"; fail "no 'verification: ok' for $(basename "$exe")"; }
done
# The check can fail: an unsigned file (the signed one with its signature
# removed, whatever state WIN_DIR's files are in) and a signed file with one
# byte of its code changed must not verify.
osslsigncode remove-signature -in "$tmp/signed/cipherleaf-cli.exe" -out "$tmp/unsigned.exe" >/dev/null
osslsigncode verify -CAfile "$tmp/cert.pem" -in "$tmp/unsigned.exe" >/dev/null 2>&1 &&
  fail "an unsigned .exe verified"
cp "$tmp/signed/cipherleaf-cli.exe" "$tmp/tampered.exe"
printf '\x00' | dd of="$tmp/tampered.exe" bs=1 seek=4096 conv=notrunc status=none
printf 'X' | dd of="$tmp/tampered.exe" bs=1 seek=4097 conv=notrunc status=none
osslsigncode verify -CAfile "$tmp/cert.pem" -in "$tmp/tampered.exe" >/dev/null 2>&1 &&
  fail "a tampered signed .exe verified"
step "signatures verify, unsigned and tampered files do not"

# 2. Wine.
export WINEPREFIX="$tmp/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
step "making a Wine prefix"
# One wineserver for the whole test (stopped by cleanup), not a new one for
# each Windows command after every pause of more than 3 s.
mkdir "$WINEPREFIX"
wineserver -p || fail "wineserver did not start"
"$wine" wineboot -i >/dev/null 2>&1 || fail "wineboot failed"
# Go's runtime needs ProcessPrng (bcryptprimitives.dll), missing in Wine 8:
# install the stand-in of wine/bcryptprimitives.c into this prefix only.
sys32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -e "$sys32/bcryptprimitives.dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -o "$sys32/bcryptprimitives.dll" \
    "$(dirname "$0")/wine/bcryptprimitives.c" "$(dirname "$0")/wine/bcryptprimitives.def" -ladvapi32
fi

"$bin/cipherleafd" serve --data "$tmp/server" --addr 127.0.0.1:0 --bcrypt-cost 4 >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -qs "^listening on " "$tmp/server.log" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$tmp/server.log")
pin=$(sed -n 's/^fingerprint: //p' "$tmp/server.log")
[ -n "$url" ] && [ -n "$pin" ] || { cat "$tmp/server.log"; fail "cipherleafd did not start"; }
"$bin/healthz" --wait 10s --pin "$pin" "$url"

export CIPHERLEAF_PASSWORD="correct horse battery staple"
wcli() { "$wine" "$win/cipherleaf-cli.exe" "$@"; }         # default profile: %AppData%
lcli() { "$bin/cipherleaf-cli" --profile "$tmp/linux" "$@"; }

step "Windows CLI registers over TLS with the pin"
wcli register --server "$url" --user winnie --pin "$pin" >"$tmp/register.out" 2>&1 ||
  { cat "$tmp/register.out"; fail "register under Wine"; }
user=$(id -un)
appdata="$WINEPREFIX/drive_c/users/$user/AppData/Roaming"
vault=$(find "$appdata" -maxdepth 2 -name 'vault.db' 2>/dev/null | head -1)
[ -n "$vault" ] || fail "no vault.db under %AppData% ($appdata)"
case "$vault" in
  "$appdata/Cipherleaf/vault.db") step "vault is at %AppData%\\Cipherleaf\\vault.db" ;;
  *) fail "vault landed at ${vault#$WINEPREFIX/}, want %AppData%\\Cipherleaf\\vault.db" ;;
esac

# Bodies that a careless text path would change: CRLF and LF, no final
# newline, tabs, trailing spaces, non-ASCII, a NUL-free binary-ish mix.
printf 'line one\r\nline two\n\ttabbed  \n' >"$tmp/body1"
printf 'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8c\xbf \xe6\x97\xa5\xe6\x9c\xac\nno final newline' >"$tmp/body2"
printf '' >"$tmp/body3"
declare -A wid
for i in 1 2 3; do
  wid[$i]=$(wcli new --title "from windows $i" <"$tmp/body$i" | tr -d '\r\n')
  [ -n "${wid[$i]}" ] || fail "new under Wine printed no id"
done
wcli sync >/dev/null 2>&1 || fail "sync under Wine"

step "Linux CLI, second profile, reads them byte for byte"
lcli login --server "$url" --user winnie --pin "$pin" >/dev/null 2>&1 || fail "login on Linux"
lcli sync >/dev/null 2>&1 || fail "sync on Linux"
for i in 1 2 3; do
  lcli show "${wid[$i]}" >"$tmp/got$i"
  cmp "$tmp/body$i" "$tmp/got$i" || fail "note $i written on Windows differs on Linux"
done

step "and the reverse"
printf 'from linux\r\n\xc3\xa5\xc3\xa4\xc3\xb6\n' >"$tmp/body4"
lid=$(lcli new --title "from linux" <"$tmp/body4")
lcli sync >/dev/null 2>&1
wcli sync >/dev/null 2>&1 || fail "second sync under Wine"
wcli show "$lid" >"$tmp/got4"
cmp "$tmp/body4" "$tmp/got4" || fail "note written on Linux differs under Wine"

step "export with Windows' reserved names and characters in titles"
for t in CON aux.txt 'NUL' 'COM1' 'a<b>c:d"e/f\g|h?i*j' 'trailing dot.' 'trailing space '; do
  printf 'title %s' "$t" | wcli new --title "$t" >/dev/null
done
wcli export --plain --out 'C:\export' >/dev/null 2>&1 || fail "export --plain under Wine"
exported=$(find "$WINEPREFIX/drive_c/export" -type f | wc -l)
want=$(wcli list | wc -l)
[ "$exported" = "$want" ] || fail "export wrote $exported files for $want notes"
for t in CON 'a<b>c:d"e/f\g|h?i*j' 'trailing space '; do
  grep -rqF "title $t" "$WINEPREFIX/drive_c/export" || fail "note titled '$t' missing from the export"
done
step "export: $exported files, named by note id, every reserved title present"
echo "test-windows: ok"
