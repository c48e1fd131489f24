#!/usr/bin/env bash
# Install the Debian packages kzgraph's test suite needs:
#   virtuoso-opensource  - Virtuoso Open Source 7 (tests start their own virtuoso-t on loopback)
#   chromium, chromium-driver - headless browser tests of the web pages
#
# Idempotent: when every package is already installed it does nothing (no apt-get update).
# Non-interactive and quiet: apt's output goes to a log that is printed only on failure.
# The Debian package's own Virtuoso service is kept from starting (and stopped and disabled if it
# runs), so nothing holds ports 8890/1111; the tests start their own servers on free ports anyway.
set -euo pipefail

PACKAGES=(virtuoso-opensource chromium chromium-driver)

export DEBIAN_FRONTEND=noninteractive
export DEBCONF_NONINTERACTIVE_SEEN=true

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -E "$@"; fi
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [ "$status" != "install ok installed" ]; then
        missing+=("$pkg")
    fi
done

log="$(mktemp -t kzgraph-install-system.XXXXXX.log)"
created_policy=""
cleanup() {
    if [ -n "$created_policy" ]; then
        as_root rm -f /usr/sbin/policy-rc.d
    fi
    rm -f "$log"
}
trap cleanup EXIT

fail() {
    echo "install-system: $1; apt output follows" >&2
    cat "$log" >&2
    exit 1
}

if [ "${#missing[@]}" -gt 0 ]; then
    # Keep maintainer scripts from starting services (the virtuoso postinst starts its daemon).
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
        as_root chmod 755 /usr/sbin/policy-rc.d
        created_policy=1
    fi
    # An empty DBA password is the package's documented "disable the daemon" answer;
    # the tests create their own database, whose dba password is the default "dba".
    printf '%s\n' \
        'virtuoso-opensource-7 virtuoso-opensource-7/dba-password password' \
        'virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password' \
        | as_root debconf-set-selections
    echo "install-system: installing ${missing[*]}" >&2
    as_root apt-get update -qq >>"$log" 2>&1 || fail "apt-get update failed"
    as_root apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${PACKAGES[@]}" >>"$log" 2>&1 || fail "apt-get install failed"
fi

# The packaged service must not run or start at boot.
if [ -x /etc/init.d/virtuoso-opensource-7 ]; then
    if [ -f /etc/default/virtuoso-opensource-7 ]; then
        as_root sed -i 's/^RUN=yes/RUN=no/' /etc/default/virtuoso-opensource-7
    fi
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        as_root systemctl disable --now virtuoso-opensource-7 >/dev/null 2>&1 || true
    else
        as_root /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true
    fi
fi

for cmd in virtuoso-t isql-vt chromium chromedriver; do
    command -v "$cmd" >/dev/null 2>&1 || { echo "install-system: $cmd not found after install" >&2; exit 1; }
done
