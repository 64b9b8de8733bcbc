#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with AFL++ and SharpFuzz.
#   fuzz/run.sh TARGET [SECONDS] [EXECUTIONS]
# TARGET: capture | packets | host | settings. Stops after SECONDS (default 600) or EXECUTIONS
# (default none), whichever comes first. Findings go to fuzz/findings/TARGET (not committed).
# Needs: apt-get install -y afl++; the sharpfuzz tool comes from .config/dotnet-tools.json.
set -euo pipefail

target=${1:?usage: fuzz/run.sh TARGET [SECONDS] [EXECUTIONS]}
seconds=${2:-600}
executions=${3:-}
fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz")
corpus=$fuzz/corpus/$target
[ -d "$corpus" ] || { echo "fuzz/run.sh: no corpus folder $corpus (targets: $(ls "$fuzz/corpus" | tr '\n' ' '))" >&2; exit 2; }
command -v afl-fuzz >/dev/null || { echo "fuzz/run.sh: afl-fuzz not found (apt-get install -y afl++)" >&2; exit 2; }

out=$fuzz/bin/$target
findings=$fuzz/findings/$target
rm -rf "$out"
mkdir -p "$fuzz/findings"
# afl-fuzz will not start over an earlier run: keep that one beside, by its time.
[ -e "$findings" ] && mv "$findings" "$findings.$(date +%Y%m%d-%H%M%S)"
dotnet publish "$fuzz/Conntrack.Fuzz/Conntrack.Fuzz.csproj" -c Release -o "$out" --nologo -v quiet
(cd "$repo" && dotnet tool restore >/dev/null)
# Only the product assemblies are instrumented: coverage is theirs, not the harness's or the runtime's.
for dll in Conntrack.Core Conntrack.Capture Conntrack.Host; do
    (cd "$repo" && dotnet tool run sharpfuzz "$out/$dll.dll")
done

limits=(-V "$seconds")
[ -n "$executions" ] && limits+=(-E "$executions")
# A .NET target is not an AFL-compiled binary and starts slowly; inputs over 64 KiB are never needed.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
afl-fuzz -i "$corpus" -o "$findings" -t 5000 -m none -G 65536 "${limits[@]}" -- dotnet "$out/Conntrack.Fuzz.dll" "$target"
stats=$findings/default/fuzzer_stats
grep -E '^(execs_done|execs_per_sec|corpus_count|corpus_found|saved_crashes|saved_hangs|run_time) ' "$stats"
