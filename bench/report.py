#!/usr/bin/env python3
"""report.py RESULTS.tsv [MACHINE.txt] -- markdown summary of a peers.sh run.

Per corpus size: a summary table (median wall seconds and peak RSS per phase and peer), the ratios
mailtwin / peer of the median wall time, of the median CPU time, of the peak RSS and of the median
bytes received, and a detail table (runs, median/min/max wall, median CPU, peak RSS, median bytes
received, verification, median 1-minute load average at the start of the runs -- a hint of other
activity on the box). With two or more corpus sizes: the no-op cost growth, largest / smallest size.
Reads results.tsv files from before the byte columns existed too (bytes then show as "-").
"""
import collections
import statistics
import sys

PHASES = [("a_initial", "a) initial full download"),
          ("b_noop", "b) no-change resync"),
          ("c_remote", "c) resync after server mutate"),
          ("d_local", "d) resync after local mutate")]

BYTES_NOTE = ("**Received** = bytes the tool received from the server during the run, on the wire: TCP "
              "payload after TLS and after any COMPRESS (login and TLS handshake included, IP/TCP headers "
              "not), read from the kernel's TCP_INFO of each of its IMAP sockets at close "
              "(bench/lib/rxcount.c). **IMAP out=** = what Dovecot logged as sent to the tool's user: IMAP "
              "bytes after login, before TLS and before COMPRESS (mbsync compresses, even on loopback).")
WIRE_NOTE = ("**Relay** = bytes the latency relay delivered to the tool (a cross-check of Received).")


def fmt(x, nd=2):
    return ("%%.%df" % nd) % x


def fmt_bytes(b):
    if b is None:
        return "-"
    if b >= 1024 * 1024:
        return "%.2f MiB" % (b / 1048576.0)
    return "%.1f KiB" % (b / 1024.0)


def num(r, key):
    v = r.get(key, "-")
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def med(rs, f):
    vals = [v for v in (f(r) for r in rs) if v is not None]
    return statistics.median(vals) if vals else None


def wall(r):
    return num(r, "wall_s")


def cpu(r):
    u, s = num(r, "user_s"), num(r, "sys_s")
    return None if u is None or s is None else u + s


def rx(r):
    return num(r, "rx_bytes")


def imap_out(r):
    return num(r, "imap_out_bytes")


def wire(r):
    return num(r, "proxy_rx_bytes")


def peak_rss(rs):
    return max(int(r["maxrss_kb"]) for r in rs) / 1024.0


def ok(r):
    return r["verified"] in ("yes", "n/a") and r["rc"] == "0"


def ratio(a, b):
    return "%.2f" % (a / b) if a is not None and b else "n/a"


def human(n):
    return "%dk" % (n // 1000) if n % 1000 == 0 and n >= 1000 else str(n)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rows = []
    with open(sys.argv[1]) as fh:
        head = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            if line.strip():
                rows.append(dict(zip(head, line.rstrip("\n").split("\t"))))
    groups = collections.OrderedDict()
    peers = []
    for r in rows:
        key = (int(r["messages"]), r["folders"])
        groups.setdefault(key, collections.defaultdict(list))[(r["peer"], r["phase"])].append(r)
        if r["peer"] not in peers:
            peers.append(r["peer"])
    peers.sort(key=lambda p: p != "floor")   # floor first, then in order of appearance
    have_wire = any(wire(r) is not None for r in rows)
    out = ["# Sync benchmark results", ""]
    if len(sys.argv) > 2:
        out += ["```"] + open(sys.argv[2]).read().rstrip("\n").split("\n") + ["```", ""]
    out += ["Tools alternate: each repetition of a phase runs every tool once, the starting tool rotating; "
            "each tool syncs its own copy of the corpus (own Dovecot user, own Maildir). Medians over the "
            "runs of a phase; peak RSS is the largest of the runs. CPU = user+sys of the tool and its "
            "children. " + BYTES_NOTE + (" " + WIRE_NOTE if have_wire else ""), ""]
    for (n, folders), g in groups.items():
        gp = [p for p in peers if any(k[0] == p for k in g)]
        out.append("## %d messages, %s folders" % (n, folders))
        out.append("")
        out.append("Median wall-clock seconds (peak RSS MiB); `!` = a run failed verification or exited non-zero.")
        out.append("")
        out.append("| Phase | " + " | ".join(gp) + " |")
        out.append("|---|" + "---:|" * len(gp))
        for ph, label in PHASES:
            cells = []
            for p in gp:
                rs = g.get((p, ph), [])
                if not rs:
                    cells.append("n/a")
                    continue
                bad = any(not ok(r) for r in rs)
                cells.append("%s s (%.0f MiB)%s" % (fmt(med(rs, wall)), peak_rss(rs), " !" if bad else ""))
            out.append("| %s | %s |" % (label, " | ".join(cells)))
        out.append("")
        if "mailtwin" in gp and len(gp) > 1:
            others = [p for p in gp if p != "mailtwin"]
            out.append("Ratio of median wall times, mailtwin / peer (below 1: mailtwin is faster; "
                       "against `floor`: what the sync adds to the bare IMAP work).")
            out.append("")
            out.append("| Phase | " + " | ".join("mailtwin / " + p for p in others) + " |")
            out.append("|---|" + "---:|" * len(others))
            for ph, label in PHASES:
                mine = g.get(("mailtwin", ph), [])
                if not mine:
                    continue
                cells = [ratio(med(mine, wall), med(g[(p, ph)], wall)) if g.get((p, ph)) else "n/a" for p in others]
                out.append("| %s | %s |" % (label, " | ".join(cells)))
            out.append("")
            out.append("Other ratios, mailtwin / peer: median CPU time, peak RSS, median bytes received.")
            out.append("")
            out.append("| Phase | Measure | " + " | ".join("mailtwin / " + p for p in others) + " |")
            out.append("|---|---|" + "---:|" * len(others))
            for ph, label in PHASES:
                mine = g.get(("mailtwin", ph), [])
                if not mine:
                    continue
                for mname, f in (("CPU", lambda rs: med(rs, cpu)), ("peak RSS", peak_rss),
                                 ("received", lambda rs: med(rs, rx))):
                    cells = [ratio(f(mine), f(g[(p, ph)])) if g.get((p, ph)) else "n/a" for p in others]
                    out.append("| %s | %s | %s |" % (label, mname, " | ".join(cells)))
            out.append("")
        out.append("| Phase | Peer | Runs | Wall median (s) | Wall min-max (s) | CPU user+sys median (s) "
                   "| Peak RSS (MiB) | Received median | IMAP out= median | Sessions |%s Verified | Load1 | Notes |"
                   % (" Relay median |" if have_wire else ""))
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|%s---|---:|---|" % ("---:|" if have_wire else ""))
        for ph, label in PHASES:
            for p in gp:
                rs = g.get((p, ph), [])
                if not rs:
                    continue
                walls = [wall(r) for r in rs]
                ver = "%d/%d" % (sum(1 for r in rs if ok(r)), len(rs))
                load = med(rs, lambda r: num(r, "load1"))
                sess = med(rs, lambda r: num(r, "sessions"))
                notes = "; ".join(sorted(set(r["note"] for r in rs if r["note"] not in ("", "-"))))
                out.append("| %s | %s | %d | %s | %s-%s | %s | %.0f | %s | %s | %s |%s %s | %s | %s |" % (
                    ph, p, len(rs), fmt(statistics.median(walls)), fmt(min(walls)), fmt(max(walls)),
                    fmt(med(rs, cpu)), peak_rss(rs), fmt_bytes(med(rs, rx)), fmt_bytes(med(rs, imap_out)),
                    "-" if sess is None else "%g" % sess,
                    (" %s |" % fmt_bytes(med(rs, wire))) if have_wire else "",
                    ver, "-" if load is None else fmt(load), notes[:200]))
        out.append("")
    noop_growth(out, groups, peers)
    print("\n".join(out))


def noop_growth(out, groups, peers):
    """No-op (b_noop) cost growth from the smallest to the largest corpus, per peer."""
    keys = sorted(groups, key=lambda k: k[0])
    if len(keys) < 2 or keys[0][0] == keys[-1][0]:
        return
    small, big = keys[0], keys[-1]
    gs, gb = groups[small], groups[big]
    lbl = "%s ÷ %s" % (human(big[0]), human(small[0]))
    out.append("## No-op cost growth %s" % lbl)
    out.append("")
    out.append("Median b_noop wall and CPU time at %d messages / %s folders against %d messages / %s folders "
               "(1.00 = the no-change resync costs the same however big the mailbox)." % (big + small))
    out.append("")
    out.append("| Peer | b_noop %s (s) | b_noop %s (s) | wall growth %s | CPU growth %s |" % (
        human(small[0]), human(big[0]), lbl, lbl))
    out.append("|---|---:|---:|---:|---:|")
    for p in peers:
        rs, rb = gs.get((p, "b_noop")), gb.get((p, "b_noop"))
        if not rs or not rb:
            continue
        out.append("| %s | %s | %s | %s | %s |" % (p, fmt(med(rs, wall), 3), fmt(med(rb, wall), 3),
                                                   ratio(med(rb, wall), med(rs, wall)),
                                                   ratio(med(rb, cpu), med(rs, cpu))))
    out.append("")


if __name__ == "__main__":
    main()
