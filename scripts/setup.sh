#!/usr/bin/env bash
# setup.sh — installs what Servitor needs and is missing: Debian packages
# (apt-get) and the npm packages of package-lock.json. Idempotent and quiet
# when everything is there already.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3
          libsodium-dev libcmocka-dev libpq-dev libgmime-3.0-dev libcurl4-openssl-dev python3-aiosmtpd postgresql nginx zlib1g-dev clang libclang-rt-14-dev chromium
          libxlsxwriter-dev poppler-utils libhpdf-dev fonts-paratype libqrencode-dev wrk)
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
