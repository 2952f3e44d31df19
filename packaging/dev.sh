#!/usr/bin/env bash
# Set up everything DJDesk needs on a Debian machine (safe to run again), then act:
#   bash packaging/dev.sh demo    the app on the built-in offline sandbox
#   bash packaging/dev.sh test    the whole test suite (what CI runs)
#   bash packaging/dev.sh setup   only install
# Extra arguments after `test` go to pytest.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv="$root/.venv"
action=${1:-demo}
# The sandbox's 200-track Deezer demo crate (`djdesk sandbox --list` shows them all).
demo_url="https://www.deezer.com/playlist/1453722520"
shift || true

# Shared libraries PySide6 needs (offscreen and X11), D-Bus and GNOME Keyring for the real
# Secret Service test, Xvfb for the window on a machine without a screen.
debian_packages=(
  python3-venv libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
  libfreetype6 libglib2.0-0 libdbus-1-3 libx11-xcb1 libxcb-cursor0 libxcb-icccm4
  libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0
  libxcb-image0 libxcb-xfixes0 libxrender1 fonts-dejavu-core
  dbus gnome-keyring xvfb xauth
)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  command -v dpkg-query >/dev/null || return 0
  local missing=()
  for pkg in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

install_python_packages() {
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
  fi
  local stamp="$venv/.djdesk-installed"
  local want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -e ".[dev]"
    echo "$want" >"$stamp"
  fi
}

setup() {
  install_debian_packages
  install_python_packages
}

run_tests() {
  export QT_QPA_PLATFORM=offscreen
  if [ "${CI:-}" = true ]; then export DJDESK_REQUIRE_SECRET_SERVICE=1; fi
  # The real Secret Service test needs a session bus and an unlocked GNOME Keyring.
  if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    exec dbus-run-session -- bash "$root/packaging/dev.sh" _pytest_in_session "$@"
  fi
  exec "$venv/bin/python" -m pytest "$@"
}

case "$action" in
  setup) setup ;;
  test)
    setup
    run_tests "$@"
    ;;
  _pytest_in_session)
    # A throw-away keyring folder: never unlock (or write to) the user's own login keyring.
    keyring_home=$(mktemp -d "${TMPDIR:-/tmp}/djdesk-keyring.XXXXXX")
    trap 'rm -rf "$keyring_home"' EXIT
    printf 'djdesk-test' | XDG_DATA_HOME="$keyring_home" \
      gnome-keyring-daemon --unlock --components=secrets >/dev/null
    set +e
    "$venv/bin/python" -m pytest "$@"
    status=$?
    set -e
    exit "$status"
    ;;
  demo)
    setup
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      # No screen (a server, a container, SSH): show the same engine at work in the terminal
      # on the sandbox's 200-track Deezer demo crate; the window needs a desktop session.
      echo "No screen found: enriching a demo playlist in the terminal instead of opening" >&2
      echo "the window (run this from a desktop session to see the app)." >&2
      exec "$venv/bin/djdesk" enrich --demo "${DJDESK_DEMO_URL:-$demo_url}" "$@"
    fi
    exec "$venv/bin/djdesk" --demo "$@"
    ;;
  *)
    echo "usage: bash packaging/dev.sh demo|test|setup" >&2
    exit 2
    ;;
esac
