#!/usr/bin/env bash
# skmnist as a user installs it (issue 36). Builds the wheel from the files
# git sees, checks that it ships every file under skmnist/, installs it (not
# editable) with the serve extra into a fresh virtual environment on the
# newest Python that this machine has among the versions pyproject.toml's
# classifiers list, runs `pip check`, then .ci/smoke.py from a folder outside
# the source tree. Each stage prints its time. .ci/run calls it; run it alone
# with `bash .ci/smoke.sh`. PIP_NO_CACHE_DIR=1 times the install as on a
# machine whose pip cache is empty.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
export SKMNIST_DATA="${SKMNIST_DATA:-$(cd ../shared/data/mnist && pwd)}"
unset PYTHONPATH # only the installed wheel may be importable

start=$EPOCHREALTIME clock=$EPOCHREALTIME
lap() { # print the time since the previous lap
    local now=$EPOCHREALTIME
    awk -v a="$clock" -v b="$now" -v name="$1" \
        'BEGIN { printf "smoke: %s: ok (%.1f s)\n", name, b - a }'
    clock=$now
}

# The newest supported Python: "3.13 3.12 3.11" from the classifiers, each
# looked for on the PATH, then under pyenv (whose shims fail for a version
# that is not selected, so every candidate is run once).
versions=$(python3 - <<'EOF'
import tomllib

with open("pyproject.toml", "rb") as f:
    classifiers = tomllib.load(f)["project"]["classifiers"]
prefix = "Programming Language :: Python :: "
found = [c.removeprefix(prefix) for c in classifiers if c.startswith(prefix + "3.")]
print(*sorted(found, key=lambda v: tuple(map(int, v.split("."))), reverse=True))
EOF
)
pyenv_versions="${PYENV_ROOT:-$HOME/.pyenv}/versions"
python=
for version in $versions; do
    for candidate in $(command -v "python$version" || true) \
        $(ls -d "$pyenv_versions/$version".*/bin/"python$version" 2>/dev/null | sort -rV); do
        if "$candidate" -c "import sys, venv, ensurepip
assert '%d.%d' % sys.version_info[:2] == '$version'" 2>/dev/null; then
            python=$candidate
            break 2
        fi
    done
done
if [[ -z $python ]]; then
    echo "smoke: skipped: no Python $versions on the PATH or under $pyenv_versions"
    exit 0
fi
echo "smoke: Python $("$python" -c 'import sys; print(sys.version.split()[0])')" \
    "($python), the newest of $versions on this machine"

# The virtual environment stays until the next run, like .ci-venv, so a fresh
# CI machine never pays for removing its thousands of files (106 s on a busy
# machine); the rest goes.
venv=$src/.ci-smoke-venv
work=$(mktemp -d "${TMPDIR:-/tmp}/skmnist-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A copy of the tracked and new (not ignored) files, so no stale build/ or
# egg-info of an earlier build ends up in the wheel.
mkdir "$work/src" "$work/run"
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
        if [[ -e $file ]]; then printf '%s\0' "$file"; fi
    done |
    tar --null -T - -cf - | tar -xf - -C "$work/src"
python3 -m pip wheel --quiet --no-deps "$work/src" -w "$work/dist"
wheel=$(echo "$work"/dist/skmnist-*.whl)
python3 - "$work/src" "$wheel" <<'EOF'
import sys
import zipfile
from pathlib import Path

src, wheel = Path(sys.argv[1]), sys.argv[2]
shipped = set(zipfile.ZipFile(wheel).namelist())
wanted = {p.relative_to(src).as_posix() for p in (src / "skmnist").rglob("*")
          if p.is_file()}
if missing := sorted(wanted - shipped):
    sys.exit("smoke: the wheel lacks " + ", ".join(missing)
             + " (pyproject.toml: [tool.setuptools.package-data])")
print(f"smoke: {Path(wheel).name} ships all {len(wanted)} files of skmnist/")
EOF
lap "build the wheel"

rm -rf "$venv"
"$python" -m venv "$venv"
lap "a fresh virtual environment in $venv"
"$venv/bin/python" -m pip install --quiet "$wheel[serve]"
lap "install the wheel with the serve extra"
"$venv/bin/python" -m pip check
lap "pip check"

cd "$work/run"
"$venv/bin/python" "$src/.ci/smoke.py"
lap "smoke.py"
clock=$start
lap "all of .ci/smoke.sh"
