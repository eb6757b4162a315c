#!/usr/bin/env bash
# The Python peer of closecast's risk models: a virtual environment model/.venv (or $CLOSECAST_ARCH_VENV) with the
# pinned arch package (model/src/test/python/requirements.txt), made on first use from PyPI.
#
#   arch-peer.sh install            # create / update the environment
#   arch-peer.sh python ARGS...     # run the environment's python (installing first when needed)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${CLOSECAST_ARCH_VENV:-$here/.venv}"
log() { echo "[arch-peer] $*" >&2; }
# shellcheck source=../scripts/lib/python-venv.sh
. "$root/scripts/lib/python-venv.sh"
install() {
  venv_install "$venv" "$here/src/test/python/requirements.txt" bin/python "for the arch package" "first time: a minute or two"
}
cmd="${1:-}"; shift || true
case "$cmd" in
  install) install ;;
  python) install; exec "$venv/bin/python" "$@" ;;
  *) echo "usage: arch-peer.sh install | python ARGS..." >&2; exit 2 ;;
esac
