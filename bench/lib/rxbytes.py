#!/usr/bin/env python3
"""rxbytes.py LOG OFFSET USER -- IMAP bytes Dovecot sent to USER's sessions logged after OFFSET.

Reads Dovecot's log from byte OFFSET (its size just before a timed run) and sums `out=` of the
session-end lines of USER ("imap(USER)<pid><session>: Disconnected: ... in=I out=O ..."). `out=` is
the imap process's output offset: IMAP protocol bytes after login, before TLS (imap-login does TLS)
and before COMPRESS (imap_zlib keeps counting uncompressed bytes). Login-phase bytes (greeting,
CAPABILITY, AUTHENTICATE) are not included.

Waits (up to --wait seconds) until every login of USER seen after OFFSET has its session-end line.
Prints "rx_bytes tx_bytes sessions" (tx = `in=`, bytes the client sent); "- - 0" when nothing logged.
"""
import os
import re
import sys
import time


def scan(path, offset, user):
    with open(path, "rb") as fh:
        fh.seek(offset)
        text = fh.read().decode("utf-8", "replace")
    u = re.escape(user)
    logins = len(re.findall(r"imap-login: Login: user=<%s>" % u, text))
    rx = tx = n = 0
    for m in re.finditer(r"imap\(%s\)[^:\n]*:[^\n]*?\bin=(\d+) out=(\d+)" % u, text):
        tx += int(m.group(1))
        rx += int(m.group(2))
        n += 1
    return logins, n, rx, tx


def main():
    args = sys.argv[1:]
    wait = 5.0
    if args[:1] == ["--wait"]:
        wait, args = float(args[1]), args[2:]
    if len(args) != 3:
        sys.exit(__doc__)
    path, offset, user = args[0], int(args[1]), args[2]
    deadline = time.monotonic() + wait
    while True:
        logins, n, rx, tx = scan(path, offset, user) if os.path.exists(path) else (0, 0, 0, 0)
        if n >= logins or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    print("%d %d %d" % (rx, tx, n) if n else "- - 0")


if __name__ == "__main__":
    main()
