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
# Phases per corpus size, tools alternating: every peer gets its own Dovecot user ($BENCH_USER-<peer>,
# e.g. alice-mbsync) holding a hard-link copy of the pristine corpus, and its own local Maildir and
# state, so all peers move through the phases together. Within a phase, each repetition runs every
# peer once (and the floor client in a and b), the starting peer rotating from one rep to the next,
# so slow drift (load, page cache) is spread over all tools:
#   a_initial  first full download into an empty Maildir                 (run once)
#   b_noop     immediate resync, nothing changed anywhere                 (REPS runs)
#   c_remote   resync after mutate.py server: flags on MUT_FLAGS_PCT% of messages,
#              MUT_NEW appended, MUT_DEL expunged, MUT_MOVE moved          (REPS runs, new seed each)
#   d_local    resync after mutate.py local: flags on MUT_FLAGS_PCT%, MUT_NEW delivered,
#              MUT_DEL deleted, MUT_MOVE moved between folders            (REPS runs, new seed each)
# A mutation uses the same seed for every peer of a rep; the peers' servers (and Maildirs, by
# Message-ID) being in the same state, they get the same change set (checked: a differing summary is
# noted in the results).
# After every run verify.py compares that peer's server user and local Maildir (counts per folder,
# \Seen/\Flagged/\Answered per folder, server total vs expected; Message-IDs after a_initial and the
# last run). Bytes received per run (rx_bytes): TCP payload the client received from the server, after
# TLS and after any COMPRESS, from the kernel's TCP_INFO (bench/lib/rxcount.c, preloaded into the
# client; needs a C compiler); also imap_out_bytes, the `out=` of Dovecot's session-end log lines of
# the peer's user (IMAP bytes after login, before TLS and COMPRESS; bench/lib/rxbytes.py), and with
# --latency-ms proxy_rx_bytes, the bytes the relay delivered to the client.
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
HEADER=$'messages\tfolders\tpeer\tphase\trep\twall_s\tuser_s\tsys_s\tmaxrss_kb\trc\tverified\tserver_total\tlocal_total\tload1\tnote\trx_bytes\timap_out_bytes\tsessions\tproxy_rx_bytes'
if [ -s "$RESULTS" ] && [ "$(head -1 "$RESULTS")" != "$HEADER" ]; then
    old=$RESULTS.old-$(date +%Y%m%d-%H%M%S)
    mv "$RESULTS" "$old"
    log "results.tsv had another column layout; moved it to $old"
fi
[ -s "$RESULTS" ] || printf '%s\n' "$HEADER" > "$RESULTS"

SRV=""; PROXY_PID=""; PROXY_STATS=""
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

peer_user() { echo "$USER_NAME-$1"; }   # the Dovecot user a peer syncs with

render() {   # render TEMPLATE OUTFILE PEERDIR USER
    local tmpl=$1 out=$2 pdir=$3 user=$4 port sslt oissl mt
    if [ "$TLS" = implicit ]; then port=$TLS_PORT; sslt=IMAPS; oissl=yes; mt=implicit
    else port=$PORT; sslt=None; oissl=no; mt=none; fi
    # Through the WAN relay the host is still 127.0.0.1, but the link is a real user's remote one,
    # where mailtwin's compress = "auto" would compress: say so explicitly.
    local mc=auto
    [ "$LATENCY_MS" != 0 ] && { port=$((port + 1000)); mc=always; }
    sed -e "s|@HOST@|127.0.0.1|g" -e "s|@PORT@|$port|g" -e "s|@USER@|$user|g" -e "s|@MAILTWIN_COMPRESS@|$mc|g" \
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
        floor) local fport ftls
               fport=$([ "$TLS" = implicit ] && echo "$TLS_PORT" || echo "$PORT")
               [ "$LATENCY_MS" != 0 ] && fport=$((fport + 1000))
               ftls=$([ "$TLS" = implicit ] && echo implicit || echo none)
               CMD=("$MAILTWIN_FLOOR" --host 127.0.0.1 --port "$fport" --user "$USER_NAME" --password "$PASSWORD"
                    --ca-file "$SRV/ssl/cert.pem" --tls "$ftls" --mode "$FLOOR_MODE" --connections "$MAXCONN");;
    esac
}

proxy_stats() {   # prints "down_bytes open_connections" of the latency proxy, or "- 0"
    if [ -n "$PROXY_STATS" ] && [ -s "$PROXY_STATS" ]; then awk '{print $1, $3}' "$PROXY_STATS"; else echo "- 0"; fi
}

# Bytes received per run, on the wire: bench/lib/rxcount.c, preloaded into the client, logs the kernel's
# TCP_INFO bytes_received of every socket to the server when it is closed (no per-byte cost).
RXSO=""
mkdir -p "$WORK"
if cc -shared -fPIC -O2 -o "$WORK/rxcount.so" "$HERE/lib/rxcount.c" -ldl 2>"$WORK/rxcount.err"; then
    RXSO=$WORK/rxcount.so
else
    log "cannot build bench/lib/rxcount.c (no C compiler?): the rx_bytes column stays empty"
fi

# timed_run LOGFILE USER: runs CMD after the settle time; sets wall user sys rss rc load1 and
# rx (wire bytes received), imap_out (Dovecot's out= of USER's sessions), sessions, proxy_rx
timed_run() {
    local logf=$1 duser=$2 line off w0 w1 open i rxf=$WORK/rx.current pre=()
    sleep "$SETTLE"
    load1=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo -)
    off=$(stat -c %s "$SRV/log/dovecot.log" 2>/dev/null || echo 0)
    read -r w0 open < <(proxy_stats)
    rm -f "$rxf"
    [ -n "$RXSO" ] && pre=(env LD_PRELOAD="$RXSO" MAILBENCH_RX_FILE="$rxf"
                           MAILBENCH_RX_PORTS="$PORT,$TLS_PORT,$((PORT + 1000)),$((TLS_PORT + 1000))")
    line=$(python3 "$HERE/lib/timed.py" --log "$logf" -- "${pre[@]}" timeout --kill-after=30 "$TIMEOUT" "${CMD[@]}")
    IFS=$'\t' read -r wall user sys rss rc <<< "$line"
    read -r imap_out _ sessions < <(python3 "$HERE/lib/rxbytes.py" "$SRV/log/dovecot.log" "$off" "$duser")
    rx=-
    if [ -n "$RXSO" ] && [ -s "$rxf" ]; then   # largest count per socket (a socket may be logged twice)
        rx=$(awk '$2 > m[$1] {m[$1] = $2} END {for (k in m) s += m[k]; print s + 0}' "$rxf")
    fi
    proxy_rx=-
    if [ "$w0" != - ]; then   # wait until the relay has delivered everything and seen the close
        for i in $(seq 1 100); do read -r w1 open < <(proxy_stats); [ "$open" = 0 ] && break; sleep 0.05; done
        proxy_rx=$((w1 - w0))
    fi
}

result_row() {   # result_row N PEER PHASE REP OK STOT LTOT NOTE
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$FOLDERS" "$2" "$3" "$4" \
        "$wall" "$user" "$sys" "$rss" "$rc" "$5" "$6" "$7" "$load1" "$8" "$rx" "$imap_out" "$sessions" "$proxy_rx" >> "$RESULTS"
}

fmt_bytes() { python3 -c 'import sys; x=sys.argv[1]; print("-" if x=="-" else "%.2f MiB" % (int(x)/1048576))' "$1"; }

# run_sync N PEER PDIR PHASE REP EXPECT DEEP [NOTE]
run_sync() {
    local n=$1 peer=$2 pdir=$3 phase=$4 rep=$5 expect=$6 deep=$7 extra_note=${8:-} duser vjson ok stot ltot note
    duser=$(peer_user "$peer")
    peer_cmd "$peer" "$pdir"
    echo "=== $phase rep $rep $(date +%T)" >> "$pdir/sync.log"
    timed_run "$pdir/sync.log" "$duser"
    set +e
    vjson=$(python3 "$HERE/verify.py" --dovecot-dir "$SRV" --user "$duser" --maildir "$pdir/mail" \
            --expect-total "$expect" --json $deep)
    set -e
    read -r ok stot ltot note < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print("yes" if r["ok"] else "NO", r["server_total"], r["local_total"],
      "; ".join(r["problems"])[:300].replace("\t", " ") or "-")' "$vjson")
    [ "$rc" = 0 ] || note="exit $rc; $note"
    [ "$rc" = 124 ] && note="TIMEOUT after ${TIMEOUT}s; $note"
    [ -n "$extra_note" ] && note="$extra_note; $note"
    note=${note%; -}
    result_row "$n" "$peer" "$phase" "$rep" "$ok" "$stot" "$ltot" "$note"
    [ "$note" = - ] && note=""
    log "  $peer $phase #$rep: ${wall}s wall, cpu ${user}+${sys}s, rss $((rss / 1024)) MiB, rx $(fmt_bytes "$rx") (IMAP out= $(fmt_bytes "$imap_out"), $sessions sessions), rc $rc, verified $ok ($stot/$ltot) $note"
}

# Floor rows: the IMAP work alone, by a minimal client on the same link (MAILTWIN_FLOOR=path of
# build/bench/micro/mailtwin-floor) against the pristine corpus user: login + LIST-STATUS (floor of
# b_noop), and a pipelined UID FETCH 1:* BODY.PEEK[] of every folder to nowhere over the same
# connections (floor of a_initial). Not verified (it keeps nothing).
run_floor() {   # run_floor N PHASE REP
    local n=$1 phase=$2 rep=$3
    FLOOR_MODE=$([ "$phase" = a_initial ] && echo fetch || echo noop)
    peer_cmd floor ""
    echo "=== $phase rep $rep $(date +%T)" >> "$OUT/floor.log"
    timed_run "$OUT/floor.log" "$USER_NAME"
    result_row "$n" floor "$phase" "$rep" n/a - - "minimal client: $FLOOR_MODE"
    log "  floor $phase #$rep ($FLOOR_MODE): ${wall}s wall, rx $(fmt_bytes "$rx") (IMAP out= $(fmt_bytes "$imap_out"), $sessions sessions), rc $rc"
}

rotate() {   # rotate K WORD... : the words, starting at index K mod count
    local k=$1; shift
    local n=$#; [ "$n" -gt 0 ] || return 0
    local words=("$@") i
    for ((i = 0; i < n; i++)); do printf '%s ' "${words[$(( (k + i) % n ))]}"; done
}

mut_sig() {   # the change set summary of a mutate.py --json line, without timing / seed-independent noise
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.pop("seconds", None); print(json.dumps(r, sort_keys=True))' "$1"
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
    users=$USER_NAME
    for peer in $PEERS; do users="$users $(peer_user "$peer")"; done
    log "corpus $N messages / $FOLDERS folders: starting dovecot in $SRV (users: $users)"
    BENCH_USERS=$users BENCH_PASSWORD=$PASSWORD \
        "$HERE/../tests/fixtures/dovecot-up.sh" "$SRV" "$PORT" "$TLS_PORT" > "$OUT/dovecot-up-$N.log" 2>&1 ||
        { cat "$OUT/dovecot-up-$N.log" >&2; exit 1; }
    if [ "$LATENCY_MS" != 0 ]; then
        [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null || true
        cport=$([ "$TLS" = implicit ] && echo "$TLS_PORT" || echo "$PORT")
        PROXY_STATS=$D/proxy-stats
        python3 "$HERE/latency-proxy.py" --listen "127.0.0.1:$((cport + 1000))" --to "127.0.0.1:$cport" \
            --delay-ms "$LATENCY_MS" --rate-mbit "$RATE_MBIT" --stats-file "$PROXY_STATS" &
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

    # every peer: its own server user restored to the pristine corpus, its own Maildir, state, config
    declare -A EXPECT=()
    ACTIVE=()
    for peer in $PEERS; do
        P=$D/$peer
        rm -rf "$P"; mkdir -p "$P/mail" "$P/state"
        snapshot "$D/pristine" "$SRV/mail/$(peer_user "$peer")"
        case "$peer" in
            mbsync) render "$HERE/templates/mbsyncrc.in" "$P/config" "$P" "$(peer_user "$peer")";;
            offlineimap) render "$HERE/templates/offlineimaprc.in" "$P/config" "$P" "$(peer_user "$peer")";;
            mailtwin) render "$MAILTWIN_CONFIG_TEMPLATE" "$P/config" "$P" "$(peer_user "$peer")";;
        esac
        peer_cmd "$peer" "$P"
        cp "$P/config" "$OUT/config-$peer.txt"
        log "$peer @ $N (user $(peer_user "$peer")): ${CMD[*]}"
        EXPECT[$peer]=$N
        ACTIVE+=("$peer")
    done
    FLOOR=(); [ -n "${MAILTWIN_FLOOR:-}" ] && FLOOR=(floor)

    log "phase a_initial"
    for peer in $(rotate 0 "${ACTIVE[@]}" "${FLOOR[@]}"); do
        if [ "$peer" = floor ]; then run_floor "$N" a_initial 1; continue; fi
        run_sync "$N" "$peer" "$D/$peer" a_initial 1 "$N" --deep
    done
    still=()
    for peer in "${ACTIVE[@]}"; do   # a peer whose initial sync failed sits out phases b-d
        if awk -F'\t' -v n="$N" -v p="$peer" '$1 == n && $3 == p && $4 == "a_initial" {rc = $10} END {exit rc != 0}' "$RESULTS"
        then still+=("$peer"); else log "  $peer: initial sync failed; skipping phases b-d for it"; fi
    done
    ACTIVE=("${still[@]}")

    log "phase b_noop"
    for r in $(seq 1 "$REPS"); do
        for peer in $(rotate $((r - 1)) "${ACTIVE[@]}" "${FLOOR[@]}"); do
            if [ "$peer" = floor ]; then run_floor "$N" b_noop "$r"; continue; fi
            run_sync "$N" "$peer" "$D/$peer" b_noop "$r" "${EXPECT[$peer]}" ""
        done
    done

    for side in server local; do
        phase=$([ "$side" = server ] && echo c_remote || echo d_local)
        log "phase $phase"
        for r in $(seq 1 "$REPS"); do
            first_sig=""
            for peer in $(rotate $((r - 1)) "${ACTIVE[@]}"); do
                P=$D/$peer
                if [ "$side" = server ]; then
                    mj=$(python3 "$HERE/mutate.py" server --host 127.0.0.1 --port "$PORT" --user "$(peer_user "$peer")" \
                         --password "$PASSWORD" --seed $(( SEED * 1000 + r )) --flags-pct "$MUT_FLAGS_PCT" \
                         --append "$MUT_NEW" --expunge "$MUT_DEL" --move "$MUT_MOVE" --json)
                else
                    mj=$(python3 "$HERE/mutate.py" local --maildir "$P/mail" --seed $(( SEED * 1000 + 500 + r )) \
                         --flags-pct "$MUT_FLAGS_PCT" --add "$MUT_NEW" --delete "$MUT_DEL" --move "$MUT_MOVE" --json)
                fi
                echo "$side mutate: $mj" >> "$P/sync.log"
                EXPECT[$peer]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["expected_total"])' "$mj")
                sig=$(mut_sig "$mj"); mnote=""
                if [ -z "$first_sig" ]; then first_sig=$sig
                elif [ "$sig" != "$first_sig" ]; then
                    mnote="change set differs from the other peers' ($sig)"
                    log "  warning: $peer $phase #$r: $mnote"
                fi
                deep=""; [ "$side" = local ] && [ "$r" = "$REPS" ] && deep=--deep
                run_sync "$N" "$peer" "$P" "$phase" "$r" "${EXPECT[$peer]}" "$deep" "$mnote"
            done
        done
    done

    for peer in $PEERS; do
        [ -f "$D/$peer/sync.log" ] && cp "$D/$peer/sync.log" "$OUT/sync-$N-$peer.log"
    done
    unset EXPECT
    cp "$SRV/log/dovecot.log" "$OUT/dovecot-$N.log" 2>/dev/null || true
    "$HERE/../tests/fixtures/dovecot-down.sh" "$SRV" >> "$OUT/run.log" 2>&1 || true
    if [ -n "$PROXY_PID" ]; then kill "$PROXY_PID" 2>/dev/null || true; PROXY_PID=""; fi
    [ "$KEEP" = 1 ] || rm -rf "$D"
done
SRV=""

python3 "$HERE/report.py" "$RESULTS" "$OUT/machine.txt" > "$OUT/report.md"
log "done: $OUT/report.md"
cat "$OUT/report.md"
