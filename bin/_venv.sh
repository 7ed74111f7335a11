# Sourced by bin/run and bin/test: make .venv with a Python 3.11+ and the pinned requirements.
# Reinstalls only when a requirements file changed, so the second run starts at once.

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "casereview needs Python 3.11 or newer (with venv); none was found on PATH." >&2
  return 1
}

ensure_venv() {  # $1: the requirements file to install
  local requirements=$1 python stamp wanted
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python)
    echo "Creating .venv with $python"
    "$python" -m venv .venv || { echo "Could not create a virtual environment (on Debian: apt-get install python3-venv)." >&2; return 1; }
  fi
  stamp=.venv/.installed-$(basename "$requirements")
  wanted=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "Installing $requirements into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$requirements"
    echo "$wanted" > "$stamp"
  fi
}
