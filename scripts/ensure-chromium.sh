#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests; install it when we can.
set -u
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "Could not install Chromium; browser tests will skip outside CI."
else
  echo "Chromium is not at $CHROMIUM and cannot be installed here (needs root and apt-get);"
  echo "browser tests will skip outside CI. Install it with: sudo apt-get install chromium"
fi
exit 0
