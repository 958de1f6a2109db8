#!/usr/bin/env bash
# Make sure Python ≥ 3.11 with venv is there; on Debian/Ubuntu install python3-venv when it is missing.
set -euo pipefail
py="${1:-python3}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "Python 3.11 以上が見つかりません（$py）。sudo apt-get install python3 python3-venv を実行してください。" >&2
  exit 2
fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 以上が必要です（現在: $("$py" --version)）。" >&2
  exit 2
fi
if ! "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  ver=$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  echo "python3-venv をインストールします…" >&2
  $sudo_ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "python${ver}-venv" python3-venv
fi
