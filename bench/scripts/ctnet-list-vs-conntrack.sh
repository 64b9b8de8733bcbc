#!/usr/bin/env bash
# ctnet list / count --by state against conntrack -L on a real table of N entries (default 1,000,000) in a
# private namespace. Needs root. The GLOBAL nf_conntrack_max is raised only while the entries are loaded and
# restored at once (and by the trap on any exit): the loaded entries stay, other namespaces are unaffected after.
# CTNET_ALT=other/ctnet.dll also measures a second build (alt-list, alt-count-by-state).
# Usage: [ACCT=0] bench/scripts/ctnet-list-vs-conntrack.sh [ENTRIES] [RUNS] [CTNET_DLL]   (ACCT=0: accounting and timestamps off)
set -euo pipefail
entries=${1:-1000000}
runs=${2:-5}
ctnet=${3:-src/Conntrack.Cli/bin/Release/net10.0/ctnet.dll}
ns=ctnet-bench-$$
load=$(mktemp /tmp/ctnet-bench-XXXXXX.load)
old_max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)
cleanup() {
    echo "$old_max" > /proc/sys/net/netfilter/nf_conntrack_max
    ip netns delete "$ns" 2>/dev/null || true
    rm -f "$load"
}
trap cleanup EXIT

python3 - "$entries" > "$load" <<'PY'
import sys
n = int(sys.argv[1])
states = ["ESTABLISHED", "TIME_WAIT", "SYN_SENT", "FIN_WAIT", "CLOSE_WAIT"]
for i in range(n):
    a, b, c = (i >> 16) & 255, (i >> 8) & 255, i & 255
    if i % 4 == 3:
        print(f"-I -p udp -s 10.{a}.{b}.{c} -d 10.250.0.1 --sport {1024 + i % 60000} --dport 53 -t 7200 -u SEEN_REPLY,ASSURED -m {i % 5}")
    else:
        print(f"-I -p tcp -s 10.{a}.{b}.{c} -d 10.250.0.2 --sport {1024 + i % 60000} --dport 443 --state {states[i % 5]} -t 7200 -u SEEN_REPLY,ASSURED")
PY

ip netns add "$ns"
echo $((entries + 100000)) > /proc/sys/net/netfilter/nf_conntrack_max
[ "${ACCT:-1}" = 1 ] && ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1
ip netns exec "$ns" conntrack -R "$load" > /dev/null 2>&1 || true
echo "$old_max" > /proc/sys/net/netfilter/nf_conntrack_max
echo "entries: $(ip netns exec "$ns" conntrack -C)  (nf_conntrack_max restored to $old_max)"

measure() { # label command...: wall user sys maxrss_kb
    /usr/bin/time -f "$1 %e %U %S %M" "${@:2}" > /dev/null 2>> /tmp/ctnet-bench-$$.times || true
}
: > /tmp/ctnet-bench-$$.times
for r in $(seq "$runs"); do
    measure conntrack-L ip netns exec "$ns" conntrack -L
    measure ctnet-list dotnet "$ctnet" list --netns "$ns"
    measure ctnet-count-by-state dotnet "$ctnet" count --by state --netns "$ns"
    measure cat-proc ip netns exec "$ns" cat /proc/net/nf_conntrack
    if [ -n "${CTNET_ALT:-}" ]; then
        measure alt-list dotnet "$CTNET_ALT" list --netns "$ns"
        measure alt-count-by-state dotnet "$CTNET_ALT" count --by state --netns "$ns"
    fi
done
grep -E '^(conntrack-L|ctnet-list|ctnet-count-by-state|cat-proc|alt-list|alt-count-by-state) ' /tmp/ctnet-bench-$$.times | sort -k1,1 -k2,2n | awk '
    { wall[$1] = wall[$1] " " $2; user[$1] = user[$1] " " $3; sys[$1] = sys[$1] " " $4; rss[$1] = ($5 > rss[$1] ? $5 : rss[$1]) }
    END { for (k in wall) printf "%-22s wall%s | user%s | sys%s | max RSS %d KB\n", k, wall[k], user[k], sys[k], rss[k] }'
rm -f /tmp/ctnet-bench-$$.times
