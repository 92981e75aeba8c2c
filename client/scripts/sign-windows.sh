#!/usr/bin/env bash
# sign-windows.sh CERT KEY FILE.exe... — Authenticode-signs each .exe in
# place with osslsigncode. CERT is the PEM certificate (chain), KEY its PEM
# private key (CIPHERLEAF_SIGN_PASS: its password, if any).
# CIPHERLEAF_SIGN_TIMESTAMP: an RFC 3161 timestamp server URL (recommended
# for a real certificate, so signatures outlive it; needs the network).
set -euo pipefail
cert=$1 key=$2
shift 2
passfile=""
trap '[ -n "$passfile" ] && rm -f "$passfile"' EXIT
if [ -n "${CIPHERLEAF_SIGN_PASS:-}" ]; then # a file, not argv: ps would show it
  passfile=$(mktemp)
  printf '%s' "$CIPHERLEAF_SIGN_PASS" >"$passfile"
fi
for exe in "$@"; do
  args=(sign -certs "$cert" -key "$key" -n Cipherleaf -i https://cipherleaf.dev -h sha256)
  [ -n "$passfile" ] && args+=(-readpass "$passfile")
  [ -n "${CIPHERLEAF_SIGN_TIMESTAMP:-}" ] && args+=(-ts "$CIPHERLEAF_SIGN_TIMESTAMP")
  osslsigncode "${args[@]}" -in "$exe" -out "$exe.signed" >/dev/null
  chmod --reference="$exe" "$exe.signed"
  mv "$exe.signed" "$exe"
  echo "signed $exe"
done
