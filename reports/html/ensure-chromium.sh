#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium for the report's browser test
# (reports/html/report.browser.test.ts), so CI on a fresh machine gets it: installs the package
# with apt-get when it is missing, retrying while another dpkg holds the lock (bounded).
# Exit 0 when chromium is there; 3 (environment missing) when it cannot be installed.
set -euo pipefail
chromiumPath=/usr/bin/chromium
if [ -x "$chromiumPath" ]; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "ensure-chromium: $chromiumPath is missing and apt-get cannot run here (needs root on" \
    "Debian); install the chromium package by hand" >&2
  exit 3
fi
export DEBIAN_FRONTEND=noninteractive
attemptsMax=20
for attempt in $(seq 1 "$attemptsMax"); do
  if apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; then
    [ -x "$chromiumPath" ] && exit 0
  fi
  echo "ensure-chromium: attempt $attempt of $attemptsMax failed (dpkg locked?), retrying in 15 s" >&2
  sleep 15
done
echo "ensure-chromium: could not install chromium after $attemptsMax attempts" >&2
exit 3
