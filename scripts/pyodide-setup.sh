#!/usr/bin/env bash
# Pyodide (the Python of xlwings Lite) for the offline test of the Lite bundle: the npm package and the wheels
# xlwings Lite would install from requirements.txt, downloaded once into .cache/pyodide (npm registry and PyPI).
# tests/excel/test_lite_pyodide.py then runs without the network. With --optional a failure is only a notice
# (the test says why it skips).
set -uo pipefail
optional=0; [ "${1:-}" = "--optional" ] && optional=1
dir="${KAIGO_XL_PYODIDE_DIR:-.cache/pyodide}"
python="${PYTHON:-.venv/bin/python}"
PYODIDE=314.0.8        # Python 3.14, ABI pyemscripten_2026_0 (what xlwings Lite 1.0.0.10x runs)
PLATFORM=(--platform pyemscripten_2026_0_wasm32 --python-version 3.14 --implementation cp --abi cp314)
PURE=(micropip==0.11.1 pydantic==2.14.4 typing-extensions==4.16.0 annotated-types==0.8.0 typing-inspection==0.4.5
      holidays==0.109 python-dateutil==2.9.0.post0 six==1.17.0)
BUILT=(pydantic-core==2.50.5 xlwings==0.37.8)

fail() { echo "注意: $1（Pyodide のテストは省略されます）" >&2; [ $optional -eq 1 ] && exit 0 || exit 1; }
command -v npm >/dev/null 2>&1 || fail "npm がありません（sudo apt-get install -y nodejs npm）"
mkdir -p "$dir/wheels"
if ! grep -qs "\"version\": \"$PYODIDE\"" "$dir/node_modules/pyodide/package.json"; then
  echo "Pyodide $PYODIDE を $dir に入れます（npm）" >&2
  npm install --prefix "$dir" --no-audit --no-fund --silent "pyodide@$PYODIDE" >/dev/null || fail "npm install pyodide に失敗しました"
fi
if [ "$(ls "$dir/wheels"/*.whl 2>/dev/null | wc -l)" -lt $(( ${#PURE[@]} + ${#BUILT[@]} )) ]; then
  echo "xlwings Lite が入れるパッケージを $dir/wheels に取得します（PyPI）" >&2
  "$python" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: --python-version 3.14 \
    -d "$dir/wheels" "${PURE[@]}" || fail "pip download に失敗しました"
  "$python" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: "${PLATFORM[@]}" \
    -d "$dir/wheels" "${BUILT[@]}" || fail "pip download（Pyodide 用のビルド済みパッケージ）に失敗しました"
fi
exit 0
