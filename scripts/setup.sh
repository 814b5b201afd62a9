# Sourced by scripts/run and scripts/test: installs what is missing, idempotently,
# from crates.io, Debian's packages, npm and (wasm32 target only) rustup. Nothing
# else is downloaded; Trunk runs offline with the tools installed here.
#
# Usage: source scripts/setup.sh [--browser]

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION=0.21.14
# Splits the console's wasm at its wasm_split points (scripts/build-wasm); the
# same project as the wasm_split_helpers that Leptos links in.
WASM_SPLIT_VERSION=0.2.4

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Outside the clone, so a fresh clone (CI) reuses earlier builds of the deps.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tillor/target}"
export PATH="$HOME/.cargo/bin:$ROOT/tools/node_modules/.bin:$PATH"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The wasm-bindgen the console links against, read from Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

setup_toolchain() {
  # rust-toolchain.toml pins an installed channel; only the wasm32 target may be fetched.
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi

  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "cargo install trunk $TRUNK_VERSION (takes several minutes once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi

  local wb
  wb="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb" ]; then
    say "cargo install wasm-bindgen-cli $wb"
    # Not --locked: its lockfile names a webpki-roots release the registry lacks.
    cargo install wasm-bindgen-cli --version "$wb" --force
  fi
  if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    say "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (wasm-split-cli)"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked
  fi
  if ! grep -q "wasm_bindgen = \"$wb\"" "$ROOT/Trunk.toml"; then
    echo "Trunk.toml's [tools] wasm_bindgen must be $wb (Cargo.lock's), or Trunk will try to download it" >&2
    exit 1
  fi

  if ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  local stamp="$ROOT/tools/node_modules/.tillor-lock.sha256" lock_sum
  lock_sum="$(sha256sum "$ROOT/tools/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ] || [ ! -x "$ROOT/tools/node_modules/.bin/wasm-opt" ]; then
    say "npm ci (binaryen's wasm-opt, terser, MQTT.js)"
    npm ci --prefix "$ROOT/tools" --no-audit --no-fund --loglevel=error
    echo "$lock_sum" > "$stamp"
  fi

  # Trunk runs cargo with --offline: everything must be in the local registry first.
  cargo fetch --locked -q
}

setup_browser() {
  # certutil (libnss3-tools): the TLS end-to-end test gives Chromium an NSS
  # database that trusts the local stack's private CA.
  apt_install chromium chromium-driver libnss3-tools
  export CHROMEDRIVER=/usr/bin/chromedriver
}

build_console() {
  say "trunk build --release (console)"
  trunk build --release --dist "$ROOT/dist"
  # Each asset beside its brotli and gzip forms: tillor-local serves the one
  # the browser accepts (what travels is what counts).
  apt_install brotli
  find "$ROOT/dist" -maxdepth 1 -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \) \
    -exec gzip -k -9 -f {} \; -exec brotli -k -q 11 -f {} \;
}

setup_broker() {
  # Mosquitto 2.0 with its dynamic-security plugin, and the stock clients.
  apt_install mosquitto mosquitto-clients
}

setup_toolchain
setup_broker
if [ "${1:-}" = "--browser" ]; then
  setup_browser
fi
