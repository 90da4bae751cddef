#!/bin/bash
# A stand-in for login(1) that the test Telnet servers run for each session.
# No real accounts: any user name and password are accepted. After the login
# dialogue it answers a few commands so a test can see what the server
# learned through option negotiation:
#   echo X -> X          term -> $TERM (from TTYPE)
#   size   -> rows cols (stty size, from NAWS)       exit -> ends the session
# Anything else prints "unknown: LINE". An empty line just prompts again.

# A Telnet client in the default (non-binary) mode ends lines with CR LF or
# CR NUL; servers normally hand the pty a bare CR that icrnl turns into LF,
# but strip a stray CR anyway so commands match whatever the server did.
CR=$'\r'

readline() {
    IFS= read -r line || exit 0   # EOF: the client went away
    line=${line%"$CR"}
}

echo "RxTelnet test login"

# Like getty: an empty user name asks again (a serial line may deliver a
# bare line end first).
while :; do
    printf 'login: '
    readline
    [ -n "$line" ] && break
done

# Echo goes off before the prompt is printed: a client answers as soon as it
# sees "Password: ", and input that reached the tty before `stty -echo`
# would be echoed.
if [ -t 0 ]; then
    saved=$(stty -g)
    stty -echo
    printf 'Password: '
    readline
    stty "$saved"
    echo            # the user's Enter was not echoed
else
    printf 'Password: '
    readline
fi

while :; do
    printf '$ '
    readline
    case "$line" in
        "")       ;;
        exit)     exit 0 ;;
        echo)     echo ;;
        "echo "*) printf '%s\n' "${line#echo }" ;;
        term)     printf '%s\n' "${TERM-}" ;;
        size)     stty size 2>&1 ;;
        *)        printf 'unknown: %s\n' "$line" ;;
    esac
done
