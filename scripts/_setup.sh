# Shared by scripts/demo and scripts/test: make .venv, install dependencies, write .env.
# Sourced, not run. Expects ROOT to be the project folder.

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Python selected by .python-version under pyenv, else python3.12/3.13 on PATH.
find_python() {
    local wanted="" candidate
    [[ -f "$ROOT/.python-version" ]] && wanted="$(tr -d '[:space:]' < "$ROOT/.python-version")"
    if [[ -n "$wanted" ]]; then
        for candidate in "${PYENV_ROOT:-$HOME/.pyenv}/versions/$wanted/bin/python" \
                         "$(command -v "python$wanted" 2>/dev/null || true)"; do
            [[ -n "$candidate" && -x "$candidate" ]] && { echo "$candidate"; return; }
        done
    fi
    for candidate in python3.12 python3.13; do
        command -v "$candidate" >/dev/null 2>&1 && { command -v "$candidate"; return; }
    done
    return 1
}

# Hash of what decides the installed packages, so a second run skips pip.
deps_stamp() {
    cat "$ROOT/pyproject.toml" "$ROOT/.python-version" 2>/dev/null | sha256sum | cut -d' ' -f1
}

ensure_venv() {
    local python stamp_file="$ROOT/.venv/.deps-installed"
    if [[ ! -x "$ROOT/.venv/bin/python" ]]; then
        python="$(find_python)" || die "Python 3.12 or 3.13 is needed: install it with pyenv \
(pyenv install $(cat "$ROOT/.python-version" 2>/dev/null || echo 3.12)) or your package manager."
        say "Creating .venv with $python"
        "$python" -m venv "$ROOT/.venv"
    fi
    if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$(deps_stamp)" ]]; then
        return
    fi
    say "Installing dependencies from pyproject.toml (with the dev extra)"
    # The project is not a package (packages = []), so install what it declares
    # rather than the project itself: no build step, no egg-info in the tree.
    local requirements
    requirements="$("$ROOT/.venv/bin/python" - "$ROOT/pyproject.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)["project"]
deps = project["dependencies"] + project["optional-dependencies"]["dev"]
print("\n".join(deps))
PY
)"
    "$ROOT/.venv/bin/python" -m pip install --quiet --upgrade pip
    local -a packages
    mapfile -t packages <<< "$requirements"
    "$ROOT/.venv/bin/python" -m pip install --quiet "${packages[@]}"
    deps_stamp > "$stamp_file"
}

# A development .env with DEBUG on and a random key, written once and then left alone.
ensure_env_file() {
    if [[ ! -f "$ROOT/.env" ]]; then
        say "Writing .env (DEBUG=1, random SECRET_KEY)"
        local key
        key="$("$ROOT/.venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
        printf 'DEBUG=1\nSECRET_KEY=%s\n' "$key" > "$ROOT/.env"
    fi
    mkdir -p "${DATA_DIR:-$ROOT/data}"
}
