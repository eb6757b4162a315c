#!/usr/bin/env bash
# Runs ARGS with the Python of the virtual environment that holds serving's Python test peers
# (requirements-peers.txt: tritonclient, schemathesis), made or updated first when the file changed.
#
#   peers.sh python ARGS...      # that environment's python
#   peers.sh install             # only create / update it
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${CLOSECAST_PEERS_VENV:-$here/../../../.venv-peers}"

log() { echo "[serving-peers] $*" >&2; }

# shellcheck source=../../../../scripts/lib/python-venv.sh
. "$here/../../../../scripts/lib/python-venv.sh"

venv_install "$venv" "$here/requirements-peers.txt" bin/schemathesis "for serving's Python test peers" "first time: a minute or two"
cmd="${1:-}"; shift || true
case "$cmd" in
  install) ;;
  python) exec "$venv/bin/python" "$@" ;;
  *) echo "peers.sh: expected 'python ARGS...' or 'install', found '$cmd'" >&2; exit 2 ;;
esac
