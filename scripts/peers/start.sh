#!/bin/bash
# Start the installed third-party Telnet servers on 127.0.0.1 in the
# background, wait (bounded) until each listens, and report which are up.
#
# Each peer runs in its own session (setsid) so stop.sh can end it together
# with everything it spawned by killing the process group in $PEERS_DIR/NAME.pid.
# $PEERS_DIR/peers.env gets `export RXTELNET_<PEER>_PORT=N` for each peer that
# came up, so a test run can skip exactly the peers that are missing.
#
# Exit status: 0 when every installed peer is up (a peer whose package is
# missing is reported and skipped); 1 when one failed or none is installed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

WAIT_SECONDS=${RXTELNET_PEERS_WAIT:-20}

mkdir -p "$PEERS_DIR"
# The servers exec the login program by a path string that they split on
# spaces; a copy in the state dir keeps that path simple and executable.
LOGIN=$PEERS_DIR/login.sh
install -m 755 "$HERE/login.sh" "$LOGIN"

listening() {
    # ss looks at the listen table without connecting, so probing does not
    # consume a session (ser2net takes one client, busybox has backlog 1).
    if command -v ss >/dev/null; then
        [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

# launch NAME DIR CMD...: run CMD in DIR in a new session, log to NAME.log.
# A leftover process of the same NAME (say its peer died) is ended first.
# TERM is removed so what a session's `term` prints depends only on the
# server and the client's TTYPE, not on the shell that ran this script
# (busybox telnetd passes its own TERM on when the client sends no TTYPE).
launch() {
    local name=$1 dir=$2
    shift 2
    if [ -f "$PEERS_DIR/$name.pid" ] && alive "$(cat "$PEERS_DIR/$name.pid")"; then
        kill -KILL -- "-$(cat "$PEERS_DIR/$name.pid")" 2>/dev/null
    fi
    (cd "$dir" && exec env -u TERM setsid "$@" >"$PEERS_DIR/$name.log" 2>&1 </dev/null) &
    echo $! >"$PEERS_DIR/$name.pid"
}

# await NAME PORT: bounded wait until PORT listens; fail early if NAME died.
await() {
    local name=$1 port=$2 pid i
    pid=$(cat "$PEERS_DIR/$name.pid")
    for ((i = 0; i < WAIT_SECONDS * 10; i++)); do
        listening "$port" && return 0
        alive "$pid" || { echo "peers: $name exited; see $PEERS_DIR/$name.log" >&2; return 1; }
        sleep 0.1
    done
    echo "peers: $name not listening on $port after ${WAIT_SECONDS}s" >&2
    return 1
}

start_inetutils() {
    [ -x /usr/sbin/telnetd ] || return 2
    # socat plays inetd: one telnetd per connection, the socket as its
    # stdin/stdout. -h: no host info before login; -E: our login program.
    launch inetutils "$PEERS_DIR" socat \
        "TCP-LISTEN:$INETUTILS_PORT,bind=127.0.0.1,reuseaddr,fork" \
        "EXEC:/usr/sbin/telnetd -h -E $LOGIN,nofork"
}

start_busybox() {
    # Only busybox-static has the telnetd applet (plain busybox lacks it).
    busybox telnetd --help >/dev/null 2>&1 || return 2
    # A fixed issue file instead of /etc/issue keeps the banner the same on
    # every machine.
    printf 'RxTelnet busybox peer\n' >"$PEERS_DIR/busybox.issue"
    launch busybox "$PEERS_DIR" busybox telnetd -F \
        -b "127.0.0.1:$BUSYBOX_PORT" -l "$LOGIN" -f "$PEERS_DIR/busybox.issue"
}

start_chatd() {
    command -v telnet-chatd >/dev/null || return 2
    # telnet-chatd always binds 0.0.0.0; a bind() shim moves it to loopback.
    # Without a C compiler it still starts, on all interfaces.
    local preload=
    if command -v cc >/dev/null &&
        cc -shared -fPIC -O2 -o "$PEERS_DIR/bindlo.so" "$HERE/bindlo.c" -ldl 2>"$PEERS_DIR/bindlo.log"; then
        preload=$PEERS_DIR/bindlo.so
    else
        echo "peers: no C compiler for the bind shim; telnet-chatd binds all interfaces" >&2
    fi
    # telnet-chatd exits ("send() failed: Bad file descriptor") when a client
    # that gave its name drops without `quit`; restart it so one such test
    # does not take the peer away from all later ones.
    launch chatd "$PEERS_DIR" bash -c '
        while :; do
            LD_PRELOAD=$1 telnet-chatd "$2"
            echo "telnet-chatd exited ($?); restarting"
            sleep 0.2
        done' chatd "$preload" "$CHATD_PORT"
}

start_tinymux() {
    [ -x /usr/games/tinymux-install ] || return 2
    # A fresh game every time: the stock minimal database, so no state
    # leaks from one run to the next.
    local top=$PEERS_DIR/tinymux-game
    rm -rf "$top"
    mkdir -p "$top"
    (cd "$top" && /usr/games/tinymux-install) >"$PEERS_DIR/tinymux-install.log" 2>&1 || return 1
    local game=$top/tinymux/game
    sed -i "s/^port .*/port $TINYMUX_PORT/" "$game/netmux.conf"
    echo "ip_address 127.0.0.1" >>"$game/netmux.conf"
    # What Startmux does, minus its nohup/background: netmux stays in the
    # foreground in our session; its libmux.so sits in bin/.
    launch tinymux "$game" env LD_LIBRARY_PATH=./bin \
        ./bin/netmux -c netmux.conf -p netmux.pid -e .
}

start_ser2net() {
    command -v ser2net >/dev/null && command -v python3 >/dev/null || return 2
    # The "serial line" is a pty: ser2net opens $PEERS_DIR/ttyS0, and
    # serial-line.py runs login.sh on the far end, a fresh login for every
    # connection (see serial-line.py for why not a socat pty pair).
    rm -f "$PEERS_DIR/ttyS0"
    # ser2net writes the marker to the line on every connect (openstr); it
    # tells serial-line.py to start a fresh login.
    local marker='<rxtelnet-line-open>'
    launch ser2net-line "$PEERS_DIR" python3 "$HERE/serial-line.py" "$PEERS_DIR/ttyS0" "$LOGIN" "$marker"
    local i
    for ((i = 0; i < 50; i++)); do [ -e "$PEERS_DIR/ttyS0" ] && break; sleep 0.1; done
    [ -e "$PEERS_DIR/ttyS0" ] || { echo "peers: serial line not up; see $PEERS_DIR/ser2net-line.log" >&2; return 1; }

    cat >"$PEERS_DIR/ser2net.yaml" <<EOS
%YAML 1.1
---
connection: &rxtelnet
    accepter: telnet(rfc2217),tcp,127.0.0.1,$SER2NET_PORT
    enable: on
    connector: serialdev,$PEERS_DIR/ttyS0,9600n81,local
    options:
      openstr: "$marker"
EOS
    # -n: stay in the foreground; -u: no UUCP lock files in /var/lock.
    launch ser2net "$PEERS_DIR" ser2net -n -u -c "$PEERS_DIR/ser2net.yaml" \
        -P "$PEERS_DIR/ser2net.pidfile"
}

start_iksd() {
    command -v kermit >/dev/null && command -v openssl >/dev/null || return 2
    # IKSD (C-Kermit run as an Internet service; socat plays inetd) offers
    # START-TLS. It takes its certificate from one fixed path only,
    # /etc/ssl/certs/telnetd-rsa.pem, and runs commands given to it only after
    # the TLS setup. Rather than write into /etc, each IKSD runs in a private
    # mount namespace where our directory is mounted over /etc/ssl/certs.
    local certs=$PEERS_DIR/iksd-certs
    rm -rf "$certs"
    mkdir -p "$certs"
    # A throw-away certificate for localhost; the tests pin it from iksd-cert.pem.
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$certs/key.pem" -out "$PEERS_DIR/iksd-cert.pem" >"$PEERS_DIR/iksd-openssl.log" 2>&1 || return 1
    cat "$PEERS_DIR/iksd-cert.pem" "$certs/key.pem" >"$certs/telnetd-rsa.pem"
    # --database:off: no session database in /var/log.
    local run="exec kermit -A --database:off"
    local fixed=/etc/ssl/certs/telnetd-rsa.pem
    if [ -z "${RXTELNET_IKSD_NO_NAMESPACE:-}" ] && command -v unshare >/dev/null && unshare --mount true 2>/dev/null; then
        run="exec unshare --mount sh -c 'mount --bind \"$certs\" /etc/ssl/certs && exec kermit -A --database:off'"
    elif [ ! -e "$fixed" ] && [ -w "$(dirname "$fixed")" ]; then
        # No private mount namespace (a container without the capability):
        # put the certificate at the fixed path; stop.sh removes it.
        echo "peers: no private mount namespace; IKSD's certificate goes to $fixed until stop.sh" >&2
        cp "$certs/telnetd-rsa.pem" "$fixed" || return 1
        echo "$fixed" >"$PEERS_DIR/iksd.placed"
    else
        echo "peers: iksd needs a private mount namespace (unshare --mount) or a free $fixed" >&2
        return 1
    fi
    printf '#!/bin/sh\n%s\n' "$run" >"$PEERS_DIR/iksd.sh"
    chmod 755 "$PEERS_DIR/iksd.sh"
    launch iksd "$PEERS_DIR" socat \
        "TCP-LISTEN:$IKSD_PORT,bind=127.0.0.1,reuseaddr,fork" "EXEC:$PEERS_DIR/iksd.sh,nofork"
}

declare -A PORT=([inetutils]=$INETUTILS_PORT [busybox]=$BUSYBOX_PORT
    [chatd]=$CHATD_PORT [tinymux]=$TINYMUX_PORT [ser2net]=$SER2NET_PORT [iksd]=$IKSD_PORT)
declare -A VAR=([inetutils]=INETUTILS [busybox]=BUSYBOX [chatd]=CHATD
    [tinymux]=TINYMUX [ser2net]=SER2NET [iksd]=IKSD)

up=()
failed=()
: >"$PEERS_DIR/peers.env"
for name in "${PEERS[@]}"; do
    port=${PORT[$name]}
    if [ -f "$PEERS_DIR/$name.pid" ] && alive "$(cat "$PEERS_DIR/$name.pid")" &&
        [ "$(cat "$PEERS_DIR/$name.port" 2>/dev/null)" = "$port" ] && listening "$port"; then
        echo "peers: $name already up on 127.0.0.1:$port"
    else
        if listening "$port"; then
            echo "peers: port $port is taken by something else; $name not started" >&2
            failed+=("$name")
            continue
        fi
        start_"$name"
        case $? in
            0) await "$name" "$port" || { failed+=("$name"); continue; } ;;
            2) echo "peers: $name not installed; skipped" >&2; continue ;;
            *) echo "peers: $name failed to start" >&2; failed+=("$name"); continue ;;
        esac
        echo "$port" >"$PEERS_DIR/$name.port"
        echo "peers: $name up on 127.0.0.1:$port"
    fi
    up+=("$name")
    echo "export RXTELNET_${VAR[$name]}_PORT=$port" >>"$PEERS_DIR/peers.env"
    if [ "$name" = iksd ]; then
        echo "export RXTELNET_IKSD_CERT=$PEERS_DIR/iksd-cert.pem" >>"$PEERS_DIR/peers.env"
    fi
done

echo "peers up: ${up[*]:-none}"
[ ${#failed[@]} -eq 0 ] || echo "peers FAILED: ${failed[*]}" >&2
[ ${#up[@]} -gt 0 ] && [ ${#failed[@]} -eq 0 ]
