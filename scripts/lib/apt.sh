# Sourced by the scripts that install Debian packages. Another process may hold
# the package manager's locks (an unattended upgrade, a second install): wait
# for them, up to APT_LOCK_WAIT seconds (600 by default), instead of failing.
#   apt_update              apt-get update, retried while the lists lock is held
#   apt_install PKG...      apt-get install -y, waiting for the dpkg lock
APT_LOCK_WAIT=${APT_LOCK_WAIT:-600}

apt_update() {
    local deadline=$((SECONDS + APT_LOCK_WAIT)) out
    while true; do
        # apt-get update does not honour DPkg::Lock::Timeout for its lists lock: retry while it is busy.
        if out=$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" update -qq 2>&1); then
            return 0
        fi
        if ! grep -qi 'lock' <<<"$out" || [ "$SECONDS" -ge "$deadline" ]; then
            printf '%s\n' "$out" >&2
            return 1
        fi
        echo "apt: another process holds the package lists lock; waiting" >&2
        sleep 5
    done
}

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" install -y -qq "$@" </dev/null
}
