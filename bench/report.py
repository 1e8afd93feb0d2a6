#!/usr/bin/env python3
"""report.py RESULTS.tsv [MACHINE.txt] -- markdown summary of a peers.sh run.

Per corpus size: one summary table (median wall seconds per phase and peer) and one
detail table (runs, median/min/max wall, median CPU, peak RSS, verification, median
1-minute load average at the start of the runs -- a hint of other activity on the box).
"""
import collections
import statistics
import sys

PHASES = [("a_initial", "a) initial full download"),
          ("b_noop", "b) no-change resync"),
          ("c_remote", "c) resync after server mutate"),
          ("d_local", "d) resync after local mutate")]


def fmt(x, nd=2):
    return ("%%.%df" % nd) % x


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
        groups.setdefault((int(r["messages"]), r["folders"]), collections.defaultdict(list))
        groups[(int(r["messages"]), r["folders"])][(r["peer"], r["phase"])].append(r)
        if r["peer"] not in peers:
            peers.append(r["peer"])
    out = ["# Sync benchmark results", ""]
    if len(sys.argv) > 2:
        out += ["```"] + open(sys.argv[2]).read().rstrip("\n").split("\n") + ["```", ""]
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
                wall = statistics.median(float(r["wall_s"]) for r in rs)
                rss = max(int(r["maxrss_kb"]) for r in rs) / 1024.0
                bad = any(r["verified"] not in ("yes", "n/a") or r["rc"] != "0" for r in rs)
                cells.append("%s s (%.0f MiB)%s" % (fmt(wall), rss, " !" if bad else ""))
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
                m = statistics.median(float(r["wall_s"]) for r in mine)
                cells = []
                for p in others:
                    rs = g.get((p, ph), [])
                    cells.append("%.2f" % (m / statistics.median(float(r["wall_s"]) for r in rs)) if rs else "n/a")
                out.append("| %s | %s |" % (label, " | ".join(cells)))
            out.append("")
        out.append("| Phase | Peer | Runs | Wall median (s) | Wall min-max (s) | CPU user+sys median (s) "
                   "| Peak RSS (MiB) | Verified | Load1 | Notes |")
        out.append("|---|---|---:|---:|---:|---:|---:|---|---:|---|")
        for ph, label in PHASES:
            for p in gp:
                rs = g.get((p, ph), [])
                if not rs:
                    continue
                walls = [float(r["wall_s"]) for r in rs]
                cpu = statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in rs)
                rss = max(int(r["maxrss_kb"]) for r in rs) / 1024.0
                ver = "%d/%d" % (sum(1 for r in rs if r["verified"] in ("yes", "n/a") and r["rc"] == "0"), len(rs))
                loads = [float(r["load1"]) for r in rs if r.get("load1", "-") not in ("-", "")]
                load = fmt(statistics.median(loads)) if loads else "-"
                notes = "; ".join(sorted(set(r["note"] for r in rs if r["note"] not in ("", "-"))))
                out.append("| %s | %s | %d | %s | %s-%s | %s | %.0f | %s | %s | %s |" % (
                    ph, p, len(rs), fmt(statistics.median(walls)), fmt(min(walls)), fmt(max(walls)),
                    fmt(cpu), rss, ver, load, notes[:200]))
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
