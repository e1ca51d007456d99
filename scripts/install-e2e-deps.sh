#!/usr/bin/env bash
# Installs what the code-server end-to-end test (npm run test:e2e) needs:
# Debian packages (chromium for playwright-core, ripgrep, headers for
# code-server's native modules) and code-server 4.100.3 (VS Code 1.100.3, the
# last release that runs on Node 20) into .e2e/, outside the project's
# package.json. Works offline from GitHub: @vscode/ripgrep's download is
# served from a cache seeded with Debian's rg. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
CODE_SERVER_VERSION=4.100.3

if ! command -v chromium >/dev/null || ! command -v rg >/dev/null || ! dpkg -s libsecret-1-dev >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium >/dev/null
fi

if [ -x .e2e/node_modules/.bin/code-server ] && .e2e/node_modules/.bin/code-server --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION"; then
  echo "code-server $CODE_SERVER_VERSION already installed in .e2e/"
  exit 0
fi

# @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable here)
# unless it finds the archive in /tmp/vscode-ripgrep-cache-<its version>/.
# Its version is chosen by VS Code's own package.json inside code-server, so
# seed the cache for every 1.15.x release.
RG_TGZ=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
TMP_RG=$(mktemp -d)
cp "$(command -v rg)" "$TMP_RG/rg"
tar -C "$TMP_RG" -czf "$TMP_RG/$RG_TGZ" rg
for v in $(seq 0 30); do
  d="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.$v"
  mkdir -p "$d"
  cp "$TMP_RG/$RG_TGZ" "$d/$RG_TGZ"
done
rm -rf "$TMP_RG"

mkdir -p .e2e
cd .e2e
[ -f package.json ] || echo '{"name":"e2e-tools","private":true}' > package.json
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
./node_modules/.bin/code-server --version
