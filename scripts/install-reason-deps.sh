#!/usr/bin/env bash
# Debian's rustc, the oracle of the crash-reason float formatting test
# (test/unit/reason/rustnum.test.ts builds a native program that prints floats
# with core::fmt; it skips, naming rustc, when absent). Idempotent; needs root+apt.
set -uo pipefail
pkgs=(rustc)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then echo "reason test deps present: ${pkgs[*]}"; exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "cannot install ${missing[*]} (not root or no apt): the float formatting oracle test will be skipped"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || echo "apt-get update failed"
apt-get install -y -qq -o DPkg::Lock::Timeout=900 "${missing[@]}" >/dev/null || echo "apt-get install ${missing[*]} failed: the float formatting oracle test will be skipped"
