# shellcheck shell=bash
# A Python virtual environment for one pinned requirements file: made on first use, re-installed when the file
# changes (its sha256 is kept in the environment). Sourced by registry-server/mlflow-server.sh and spark/cluster.sh,
# which define log() first.

# The first Python 3.10+ of CLOSECAST_PYTHON, python3.13 ... python3; $1 says what it is for (in the error).
venv_find_python() {
  for py in "${CLOSECAST_PYTHON:-}" python3.13 python3.12 python3.11 python3.10 python3; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
      command -v "$py"; return 0
    fi
  done
  log "no Python 3.10+ found (tried CLOSECAST_PYTHON, python3.13 ... python3); install one $1"
  return 1
}

# venv_install VENV REQUIREMENTS READY PURPOSE NOTE: VENV holds REQUIREMENTS' packages (READY, e.g. bin/mlflow, is
# there and the file is unchanged), else it is made / updated; PURPOSE goes to venv_find_python, NOTE to the log line.
venv_install() {
  local venv="$1" requirements="$2" ready="$3" purpose="$4" note="$5"
  local stamp="$venv/.requirements.sha256" want py
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [ -x "$venv/$ready" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  py="$(venv_find_python "$purpose")"
  log "creating $venv with $("$py" --version) and installing $(grep -m1 '^[A-Za-z]' "$requirements") ($note)"
  [ -d "$venv" ] || "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
}
