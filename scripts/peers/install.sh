#!/bin/bash
# Install the real third-party Telnet servers the integration tests talk to.
# Idempotent: when every package is already installed it returns at once
# without touching the network (CI may run it on a machine that has them).
# Needs root on Debian 12; never prompts.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
# shellcheck source=../lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/apt.sh"

# inetutils-telnetd: the classic BSD-style telnetd (socat plays inetd for it)
# socat:            inetd stand-in for inetutils telnetd
# busybox-static:   the only Debian busybox with the telnetd applet
# libtelnet-utils:  telnet-chatd (MCCP2 + ECHO renegotiation)
# tinymux:          a MUD server (EOR, CHARSET, TTYPE, NAWS, NEW-ENVIRON)
# ser2net:          RFC 2217 COM-PORT-OPTION
# python3:          the fake serial line behind ser2net, and check.py
# python3-serial:   pyserial's rfc2217:// client, a third-party RFC 2217 client
#                   for our COM-PORT access server (run by the test itself)
# s3270:            the x3270 family's scripting client: a third-party START-TLS peer
#                   for our listener (run by the test itself, no daemon)
# openssl:          `openssl s_client -starttls telnet`, a second, strict START-TLS
#                   client of our listener (run by the test itself); also makes the
#                   IKSD peer's certificate
# ckermit:          C-Kermit, whose Internet Kermit Service (IKSD) is a START-TLS
#                   *server* for our client (C-Kermit's author wrote the START-TLS draft)
PKGS=(inetutils-telnetd socat busybox-static libtelnet-utils tinymux ser2net python3 python3-serial s3270 openssl ckermit)

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${PKGS[@]}"; do
    installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "peers: all packages already installed"
    exit 0
fi
echo "peers: installing ${missing[*]}"

# Maintainer scripts of inetutils-inetd (pulled in by inetutils-telnetd) and
# ser2net would start system daemons listening on all interfaces (telnet on
# port 23, ser2net's sample ports). The tests start their own instances on
# loopback, so forbid service starts during the install with policy-rc.d
# (exit 101 = "action forbidden"), unless the machine already has one.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi

# busybox-static Conflicts/Replaces busybox (the plain package has no
# telnetd applet). apt-get removes plain busybox by itself when it is
# installed; nothing essential depends on it (initramfs-tools accepts either).
apt_update
apt_install --no-install-recommends "${missing[@]}"

for p in "${PKGS[@]}"; do
    installed "$p" || { echo "peers: $p failed to install" >&2; exit 1; }
done
echo "peers: packages installed"
