# Shared settings for start.sh / stop.sh (sourced, not run).
# Every peer listens on loopback on a fixed port; each port can be moved
# with its environment variable. State (pids, logs, configs, the TinyMUX
# game dir) lives in one directory that stop.sh can clean.

PEERS_DIR=${RXTELNET_PEERS_DIR:-/tmp/rxtelnet-peers}
INETUTILS_PORT=${RXTELNET_INETUTILS_PORT:-2323}
BUSYBOX_PORT=${RXTELNET_BUSYBOX_PORT:-2324}
CHATD_PORT=${RXTELNET_CHATD_PORT:-2325}
TINYMUX_PORT=${RXTELNET_TINYMUX_PORT:-2326}
SER2NET_PORT=${RXTELNET_SER2NET_PORT:-2327}
IKSD_PORT=${RXTELNET_IKSD_PORT:-2328}

PEERS=(inetutils busybox chatd tinymux ser2net iksd)

# A pid counts as alive unless it is gone or a zombie: the peers are
# started with setsid and may be reparented to an init that never reaps.
alive() {
    local pid=$1 state
    [ -r "/proc/$pid/stat" ] || return 1
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ]
}
