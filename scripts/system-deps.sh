#!/usr/bin/env bash
# System packages for recalculation and PDF output: LibreOffice (headless), Japanese fonts, poppler.
# With --optional, a machine where we cannot install (no root, no sudo) only gets a notice.
set -euo pipefail
optional=0; [ "${1:-}" = "--optional" ] && optional=1
need=()
command -v soffice  >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qi "Carlito" || need+=(fonts-crosextra-carlito)  # Calibri metrics: Excel's column widths
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo_=""
elif sudo -n true 2>/dev/null; then sudo_="sudo"
else
  echo "注意: ${need[*]} がありません（PDF 出力と LibreOffice による再計算の照合に必要）。" >&2
  echo "      sudo apt-get install -y ${need[*]} を実行してください。" >&2
  [ $optional -eq 1 ] && exit 0 || exit 1
fi
echo "システムパッケージをインストールします: ${need[*]}" >&2
$sudo_ apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
