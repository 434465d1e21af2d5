#!/usr/bin/env bash
# Make sure Debian's Chromium (the browser the Playwright tests drive; never a downloaded build) and the
# CJK fonts for Chinese glyphs in screenshots are installed. Idempotent and quiet: does nothing when both are
# there; otherwise installs them with apt (as root; through sudo otherwise) and shows apt's log only on failure.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "安装浏览器测试依赖 (installing for the browser tests): ${missing[*]}" >&2
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
[ -x /usr/bin/chromium ] || { echo "chromium was not installed at /usr/bin/chromium" >&2; exit 1; }
