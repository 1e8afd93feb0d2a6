#!/bin/bash
# peers.sh -- time IMAP<->Maildir synchronizers against one private Dovecot + corpus.
#
# usage: peers.sh [options]
#   --sizes "10000 100000"  corpus sizes to run, in messages        (default: 10000)
#   --folders N             folders in the corpus                    (default: 10)
#   --seed S                corpus / mutation seed                   (default: 1)
#   --reps N                repetitions of the cheap phases b, c, d  (default: 3)
#   --peers "mbsync offlineimap mailtwin"                            (default: mbsync offlineimap,
#                           plus mailtwin when $MAILTWIN is set)
#   --tls implicit|none     transport for the clients               (default: implicit)
#   --port P --tls-port P   Dovecot ports                           (default: 11143 / 11993)
#   --workdir DIR           scratch space (server, local copies)     (default: ${TMPDIR:-/tmp}/mailbench.UID;
#                           when run as root it must be traversable by Dovecot's mail uid)
#   --out DIR               results (results.tsv, report.md, logs)   (default: ./bench-results)
#   --keep                  keep the scratch Maildirs when done (default: delete them)
#   --timeout SEC           per sync run limit                       (default: 3600)
#   --settle SEC            idle time before every timed run          (default: 1.1)
#   --latency-ms MS         clients reach the server through latency-proxy.py (one shared paced link), which delays
#                           each direction by MS (round trip + 2*MS)  (default: 0 = direct)
#   --rate-mbit R           with --latency-ms: pace each direction at R Mbit/s (default: 0 = unpaced)
#                           (mbsync sleeps 1 s when a Maildir directory changed within the
#                           current second; real syncs do not start in the same second as
#                           the changes, so the harness waits that out, untimed)
#
# Mutation sizes (env): MUT_FLAGS_PCT=1 MUT_NEW=100 MUT_DEL=50 MUT_MOVE=20
# mailtwin slot (env):  MAILTWIN=/path/to/build/mailtwin
#                       MAILTWIN_CONFIG_TEMPLATE=templates/mailtwin.toml.in
#                       MAILTWIN_ARGS="-q sync" (arguments after --config FILE)
# Any peer: MAXCONN (parallel connections for offlineimap/mailtwin; default min(nproc,4))
#           OFFLINEIMAP_MAXCONN (offlineimap only; default MAXCONN)
#
# Phases per corpus size and peer (fresh local Maildir and state for every peer, server
# restored to the pristine corpus before every peer):
#   a_initial  first full download into an empty Maildir                 (run once)
#   b_noop     immediate resync, nothing changed anywhere                 (REPS runs)
#   c_remote   resync after mutate.py server: flags on MUT_FLAGS_PCT% of messages,
#              MUT_NEW appended, MUT_DEL expunged, MUT_MOVE moved          (REPS runs, new seed each)
#   d_local    resync after mutate.py local: flags on MUT_FLAGS_PCT%, MUT_NEW delivered,
#              MUT_DEL deleted, MUT_MOVE moved between folders            (REPS runs, new seed each)
# After every run verify.py compares server and local (counts per folder, \Seen/\Flagged/
# \Answered per folder, server total vs expected; Message-IDs after a_initial and the last run).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SIZES=10000; FOLDERS=10; SEED=1; REPS=3; PEERS=""; TLS=implicit
LATENCY_MS=0; RATE_MBIT=100   # --latency-ms 20 --rate-mbit 100: the WAN profile
PORT=${IMAP_PORT:-11143}; TLS_PORT=${IMAPS_PORT:-11993}
WORK=${TMPDIR:-/tmp}/mailbench.$(id -u); OUT=$PWD/bench-results; KEEP=0; TIMEOUT=3600; SETTLE=1.1
MUT_FLAGS_PCT=${MUT_FLAGS_PCT:-1}; MUT_NEW=${MUT_NEW:-100}; MUT_DEL=${MUT_DEL:-50}; MUT_MOVE=${MUT_MOVE:-20}
NPROC=$(nproc 2>/dev/null || echo 2)
MAXCONN=${MAXCONN:-$(( NPROC < 4 ? NPROC : 4 ))}
OFFLINEIMAP_MAXCONN=${OFFLINEIMAP_MAXCONN:-$MAXCONN}
USER_NAME=${BENCH_USER:-alice}; PASSWORD=${BENCH_PASSWORD:-secret}

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=$2; shift 2;;
        --folders) FOLDERS=$2; shift 2;;
        --seed) SEED=$2; shift 2;;
        --reps) REPS=$2; shift 2;;
        --peers) PEERS=$2; shift 2;;
        --tls) TLS=$2; shift 2;;
        --port) PORT=$2; shift 2;;
        --tls-port) TLS_PORT=$2; shift 2;;
        --workdir) WORK=$2; shift 2;;
        --out) OUT=$2; shift 2;;
        --keep) KEEP=1; shift;;
        --timeout) TIMEOUT=$2; shift 2;;
        --settle) SETTLE=$2; shift 2;;
        --latency-ms) LATENCY_MS=$2; shift 2;;
        --rate-mbit) RATE_MBIT=$2; shift 2;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;;
        *) echo "unknown option $1 (try --help)" >&2; exit 2;;
    esac
done
if [ -z "$PEERS" ]; then
    PEERS="mbsync offlineimap"
    [ -n "${MAILTWIN:-}" ] && PEERS="$PEERS mailtwin"
fi
case "$TLS" in implicit|none) ;; *) echo "--tls must be implicit or none" >&2; exit 2;; esac
mkdir -p "$WORK"; WORK=$(cd "$WORK" && pwd)
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
MAILTWIN_CONFIG_TEMPLATE=${MAILTWIN_CONFIG_TEMPLATE:-$HERE/templates/mailtwin.toml.in}

for p in $PEERS; do
    case "$p" in
        mbsync) command -v mbsync >/dev/null || { echo "mbsync not found (apt-get install isync)" >&2; exit 1; };;
        offlineimap) command -v offlineimap >/dev/null || { echo "offlineimap not found (apt-get install offlineimap3)" >&2; exit 1; };;
        mailtwin) [ -x "${MAILTWIN:-}" ] || { echo "set MAILTWIN=/path/to/mailtwin (executable)" >&2; exit 1; };;
        *) echo "unknown peer $p" >&2; exit 2;;
    esac
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }

# ---------------------------------------------------------------- machine notes
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(uname -srm)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //') x $NPROC"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "os: $(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}")"
    echo "dovecot: $(dovecot --version 2>/dev/null)"
    command -v mbsync >/dev/null && echo "mbsync: $(mbsync --version 2>/dev/null)"
    command -v offlineimap >/dev/null && echo "offlineimap: $(offlineimap --version 2>/dev/null | head -1) (dpkg: $(dpkg-query -W -f '${Version}' offlineimap3 2>/dev/null || echo n/a))"
    [ -n "${MAILTWIN:-}" ] && echo "mailtwin: $("$MAILTWIN" --version 2>/dev/null | head -1)"
    echo "python3 (harness): $(python3 --version 2>&1 | cut -d' ' -f2)"
    if command -v offlineimap >/dev/null; then
        oi_py=$(head -1 "$(command -v offlineimap)" | sed 's/^#! *//; s/ .*//')
        echo "offlineimap interpreter: $oi_py $("$oi_py" --version 2>&1 | cut -d' ' -f2)"
    fi
    echo "filesystem: $(df -hT "$WORK" | awk 'NR==2 {print $2", "$5" free of "$3}')"
    echo "link: $( [ "$LATENCY_MS" != 0 ] && echo "latency-proxy, +${LATENCY_MS} ms each way, ${RATE_MBIT} Mbit/s" || echo direct loopback)"
    echo "transport: $TLS; max connections: offlineimap $OFFLINEIMAP_MAXCONN, mailtwin $MAXCONN; settle before each timed run: ${SETTLE}s"
    echo "mutations per run: flags ${MUT_FLAGS_PCT}%, new $MUT_NEW, deleted $MUT_DEL, moved $MUT_MOVE"
    echo "command: $0 --sizes \"$SIZES\" --folders $FOLDERS --seed $SEED --reps $REPS --peers \"$PEERS\" --tls $TLS --settle $SETTLE"
} > "$OUT/machine.txt"

RESULTS=$OUT/results.tsv
[ -s "$RESULTS" ] || printf 'messages\tfolders\tpeer\tphase\trep\twall_s\tuser_s\tsys_s\tmaxrss_kb\trc\tverified\tserver_total\tlocal_total\tload1\tnote\n' > "$RESULTS"

SRV=""; PROXY_PID=""
cleanup() {
    if [ -n "$PROXY_PID" ]; then kill "$PROXY_PID" 2>/dev/null || true; fi
    if [ -n "$SRV" ] && [ -s "$SRV/run/master.pid" ]; then
        "$HERE/../tests/fixtures/dovecot-down.sh" "$SRV" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

# hard-link copy of a Dovecot Maildir tree: message files (never rewritten by Dovecot)
# are shared, everything else (indexes, uidlists) is copied so it can diverge.
snapshot() {
    local src=$1 dst=$2
    rm -rf "$dst"
    cp -al "$src" "$dst"
    find "$dst" -type f ! -path '*/cur/*' ! -path '*/new/*' -print0 |
        while IFS= read -r -d '' f; do cp -p "$f" "$f.snap-tmp" && mv -f "$f.snap-tmp" "$f"; done
}

render() {   # render TEMPLATE OUTFILE PEERDIR
    local tmpl=$1 out=$2 pdir=$3 port sslt oissl mt
    if [ "$TLS" = implicit ]; then port=$TLS_PORT; sslt=IMAPS; oissl=yes; mt=implicit
    else port=$PORT; sslt=None; oissl=no; mt=none; fi
    [ "$LATENCY_MS" != 0 ] && port=$((port + 1000))
    sed -e "s|@HOST@|127.0.0.1|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$USER_NAME|g" \
        -e "s|@PASSWORD@|$PASSWORD|g" -e "s|@CA_FILE@|$SRV/ssl/cert.pem|g" \
        -e "s|@MAILDIR@|$pdir/mail|g" -e "s|@STATE@|$pdir/state|g" \
        -e "s|@MBSYNC_SSLTYPE@|$sslt|g" -e "s|@MBSYNC_AUTHMECHS@|${MBSYNC_AUTHMECHS:-*}|g" \
        -e "s|@OFFLINEIMAP_SSL@|$oissl|g" -e "s|@MAILTWIN_TLS@|$mt|g" \
        -e "s|@OFFLINEIMAP_MAXCONN@|$OFFLINEIMAP_MAXCONN|g" -e "s|@MAXCONN@|$MAXCONN|g" "$tmpl" > "$out"
}

peer_cmd() {   # sets CMD array for peer $1 in dir $2
    case "$1" in
        mbsync) CMD=(mbsync -c "$2/config" -a -q);;
        offlineimap) CMD=(offlineimap -c "$2/config" -o -u quiet);;
        mailtwin) read -r -a extra <<< "${MAILTWIN_ARGS:--q sync}"
                  CMD=("$MAILTWIN" --config "$2/config" "${extra[@]}");;
    esac
}

# run_sync N PEER PDIR PHASE REP EXPECT DEEP
run_sync() {
    local n=$1 peer=$2 pdir=$3 phase=$4 rep=$5 expect=$6 deep=$7 line wall user sys rss rc
    local vjson ok stot ltot note
    sleep "$SETTLE"
    local load1; load1=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo -)
    echo "=== $phase rep $rep $(date +%T)" >> "$pdir/sync.log"
    line=$(python3 "$HERE/lib/timed.py" --log "$pdir/sync.log" -- \
           timeout --kill-after=30 "$TIMEOUT" "${CMD[@]}")
    IFS=$'\t' read -r wall user sys rss rc <<< "$line"
    set +e
    vjson=$(python3 "$HERE/verify.py" --dovecot-dir "$SRV" --user "$USER_NAME" --maildir "$pdir/mail" \
            --expect-total "$expect" --json $deep)
    set -e
    read -r ok stot ltot note < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print("yes" if r["ok"] else "NO", r["server_total"], r["local_total"],
      "; ".join(r["problems"])[:300].replace("\t", " ") or "-")' "$vjson")
    [ "$rc" = 0 ] || note="exit $rc; $note"
    [ "$rc" = 124 ] && note="TIMEOUT after ${TIMEOUT}s; $note"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$FOLDERS" "$peer" "$phase" "$rep" \
        "$wall" "$user" "$sys" "$rss" "$rc" "$ok" "$stot" "$ltot" "$load1" "$note" >> "$RESULTS"
    [ "$note" = - ] && note=""
    log "  $peer $phase #$rep: ${wall}s wall, cpu ${user}+${sys}s, rss $((rss / 1024)) MiB, rc $rc, verified $ok ($stot/$ltot) $note"
}

for N in $SIZES; do
    D=$WORK/n$N
    SRV=$D/server
    rm -rf "$D"; mkdir -p "$D"
    need_mb=$(( N * 60 / 1000 * ( $(wc -w <<< "$PEERS") + 2 ) ))
    avail_mb=$(df -Pm "$WORK" | awk 'NR==2 {print $4}')
    if [ "$avail_mb" -lt "$need_mb" ]; then
        log "not enough disk for $N messages: ~${need_mb} MiB needed, ${avail_mb} MiB free; skipping"
        continue
    fi
    log "corpus $N messages / $FOLDERS folders: starting dovecot in $SRV"
    "$HERE/../tests/fixtures/dovecot-up.sh" "$SRV" "$PORT" "$TLS_PORT" > "$OUT/dovecot-up-$N.log" 2>&1 ||
        { cat "$OUT/dovecot-up-$N.log" >&2; exit 1; }
    if [ "$LATENCY_MS" != 0 ]; then
        [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null || true
        cport=$([ "$TLS" = implicit ] && echo "$TLS_PORT" || echo "$PORT")
        python3 "$HERE/latency-proxy.py" --listen "127.0.0.1:$((cport + 1000))" --to "127.0.0.1:$cport" \
            --delay-ms "$LATENCY_MS" --rate-mbit "$RATE_MBIT" &
        PROXY_PID=$!
        sleep 0.5
        log "clients go through latency-proxy on port $((cport + 1000)) (+${LATENCY_MS} ms each way, ${RATE_MBIT} Mbit/s)"
    fi
    t0=$(date +%s)
    python3 "$HERE/make-corpus.py" --dovecot-dir "$SRV" --host 127.0.0.1 --port "$PORT" \
        --user "$USER_NAME" --password "$PASSWORD" --messages "$N" --folders "$FOLDERS" \
        --seed "$SEED" --quiet > "$OUT/corpus-$N.txt"
    log "corpus loaded in $(( $(date +%s) - t0 ))s: $(head -1 "$OUT/corpus-$N.txt")"
    sed -n '2,3p' "$OUT/corpus-$N.txt" | while read -r l; do log "  $l"; done
    snapshot "$SRV/mail/$USER_NAME" "$D/pristine"

    # Floor rows: the IMAP work alone, by a minimal client on the same link (MAILTWIN_FLOOR=path of
    # build/bench/micro/mailtwin-floor): login + LIST-STATUS (floor of b_noop), and a pipelined
    # UID FETCH 1:* BODY.PEEK[] of every folder to nowhere over the same connections (floor of a_initial).
    if [ -n "${MAILTWIN_FLOOR:-}" ]; then
        fport=$([ "$TLS" = implicit ] && echo "$TLS_PORT" || echo "$PORT")
        [ "$LATENCY_MS" != 0 ] && fport=$((fport + 1000))
        ftls=$([ "$TLS" = implicit ] && echo implicit || echo none)
        for fmode in fetch noop; do
            phase=$([ "$fmode" = fetch ] && echo a_initial || echo b_noop)
            reps=$([ "$fmode" = fetch ] && echo 1 || echo "$REPS")
            for r in $(seq 1 "$reps"); do
                sleep "$SETTLE"
                line=$(python3 "$HERE/lib/timed.py" --log "$OUT/floor.log" -- "$MAILTWIN_FLOOR" --host 127.0.0.1 \
                       --port "$fport" --user "$USER_NAME" --password "$PASSWORD" --ca-file "$SRV/ssl/cert.pem" \
                       --tls "$ftls" --mode "$fmode" --connections "$MAXCONN")
                IFS=$'\t' read -r wall user sys rss rc <<< "$line"
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$N" "$FOLDERS" floor "$phase" "$r" \
                    "$wall" "$user" "$sys" "$rss" "$rc" n/a - - "$(cut -d' ' -f1 /proc/loadavg)" "minimal client: $fmode" >> "$RESULTS"
                log "  floor $phase #$r ($fmode): ${wall}s wall, rc $rc"
            done
        done
    fi

    for peer in $PEERS; do
        P=$D/$peer
        rm -rf "$P"; mkdir -p "$P/mail" "$P/state"
        snapshot "$D/pristine" "$SRV/mail/$USER_NAME"
        case "$peer" in
            mbsync) render "$HERE/templates/mbsyncrc.in" "$P/config" "$P";;
            offlineimap) render "$HERE/templates/offlineimaprc.in" "$P/config" "$P";;
            mailtwin) render "$MAILTWIN_CONFIG_TEMPLATE" "$P/config" "$P";;
        esac
        peer_cmd "$peer" "$P"
        cp "$P/config" "$OUT/config-$peer.txt"
        log "$peer @ $N: ${CMD[*]}"
        expect=$N
        run_sync "$N" "$peer" "$P" a_initial 1 "$expect" --deep
        if [ "$(tail -1 "$RESULTS" | cut -f10)" != 0 ]; then
            log "  $peer: initial sync failed; skipping phases b-d for it"
            cp "$P/sync.log" "$OUT/sync-$N-$peer.log"; [ "$KEEP" = 1 ] || rm -rf "$P"
            continue
        fi
        for r in $(seq 1 "$REPS"); do
            run_sync "$N" "$peer" "$P" b_noop "$r" "$expect" ""
        done
        for r in $(seq 1 "$REPS"); do
            mj=$(python3 "$HERE/mutate.py" server --host 127.0.0.1 --port "$PORT" --user "$USER_NAME" \
                 --password "$PASSWORD" --seed $(( SEED * 1000 + r )) --flags-pct "$MUT_FLAGS_PCT" \
                 --append "$MUT_NEW" --expunge "$MUT_DEL" --move "$MUT_MOVE" --json)
            echo "server mutate: $mj" >> "$P/sync.log"
            expect=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["expected_total"])' "$mj")
            run_sync "$N" "$peer" "$P" c_remote "$r" "$expect" ""
        done
        for r in $(seq 1 "$REPS"); do
            mj=$(python3 "$HERE/mutate.py" local --maildir "$P/mail" --seed $(( SEED * 1000 + 500 + r )) \
                 --flags-pct "$MUT_FLAGS_PCT" --add "$MUT_NEW" --delete "$MUT_DEL" --move "$MUT_MOVE" --json)
            echo "local mutate: $mj" >> "$P/sync.log"
            expect=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["expected_total"])' "$mj")
            deep=""; [ "$r" = "$REPS" ] && deep=--deep
            run_sync "$N" "$peer" "$P" d_local "$r" "$expect" "$deep"
        done
        cp "$P/sync.log" "$OUT/sync-$N-$peer.log"
        [ "$KEEP" = 1 ] || rm -rf "$P"
    done
    cp "$SRV/log/dovecot.log" "$OUT/dovecot-$N.log" 2>/dev/null || true
    "$HERE/../tests/fixtures/dovecot-down.sh" "$SRV" >> "$OUT/run.log" 2>&1 || true
    [ "$KEEP" = 1 ] || rm -rf "$D"
done
SRV=""

python3 "$HERE/report.py" "$RESULTS" "$OUT/machine.txt" > "$OUT/report.md"
log "done: $OUT/report.md"
cat "$OUT/report.md"
