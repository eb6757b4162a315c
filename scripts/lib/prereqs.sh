# Installs, where missing, the system tools that closecast's tests and main job use.
# Debian packages need root (or sudo); without them the step says what is missing and the tests that
# need the tool fail with their own message.

_apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "[prereqs] apt-get not found: install $* yourself" >&2; return 1
  fi
  echo "[prereqs] installing Debian packages: $*" >&2
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ensure_cmd COMMAND PACKAGE...: installs PACKAGE(s) when COMMAND is not on the PATH.
ensure_cmd() {
  local cmd="$1"; shift
  command -v "$cmd" >/dev/null 2>&1 || _apt_install "$@" || true
}

ensure_test_prereqs() {
  ensure_cmd curl curl
  ensure_cmd python3 python3 python3-venv
}
