#!/usr/bin/env bash
# System tools the test suites use as oracles (rustc: the crash reason's float text), and the real DAP clients (Emacs dap-mode, Neovim) (tests that need them skip
# with a clear message where they are absent). Idempotent; needs root+apt.
set -uo pipefail
pkgs=(wabt llvm-19 lldb-19 llvm-14 rustc emacs-nox elpa-dap-mode neovim)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then echo "test deps present: ${pkgs[*]}"; exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "cannot install ${missing[*]} (not root or no apt): oracle tests will be skipped"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || echo "apt-get update failed"
apt-get install -y -qq "${missing[@]}" >/dev/null || echo "apt-get install ${missing[*]} failed: oracle tests will be skipped"
