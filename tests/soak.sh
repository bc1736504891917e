#!/usr/bin/env bash
# Release soak (issue 15): the Reliability test group and the model/corpus kill tests (CrashSafetyTests) many times over,
# with fresh fuzz seeds, more cases per reader and more SIGKILLs per command,
# and optionally the bounded-memory check at full size (a corpus several times larger than the GC heap cap).
#
#   tests/soak.sh [--iterations N] [--duration SECONDS] [--scale S] [--kills K] [--memory] [--docs D] [--heap-limit HEX] [--work DIR]
#
#   --iterations N      runs of the Reliability group (default 5); CsCheck draws new random cases in each
#   --duration SECONDS  stop starting new runs after this long (default: no limit)
#   --scale S           fuzz cases per reader × S (default 10: ~1,500–4,000 cases per reader per run)
#   --kills K           SIGKILLs per command × K (default 3: 60 per fit/update/prepare, 24–27 per index/annotate per run)
#   --memory            also run fit, update and infer on a generated corpus of --docs documents (default 300,000, ~270 MB of
#                       docword text) with DOTNET_GCHeapHardLimit=--heap-limit (default 0x4000000, 64 MiB) and without,
#                       compare λ and θ byte for byte and print the peak working set of each (/usr/bin/time -f %M)
#   --work DIR          scratch folder (default ${TMPDIR:-/tmp}/topic-engine-soak)
# A failing run stops the soak and prints the failing tests with the inputs that failed (their first bytes).
set -euo pipefail
cd "$(dirname "$0")/.."

iterations=5 duration=0 scale=10 kills=3 memory=0 docs=300000 limit=0x4000000 work="${TMPDIR:-/tmp}/topic-engine-soak"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --iterations) iterations=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --kills) kills=$2; shift 2 ;;
    --memory) memory=1; shift ;;
    --docs) docs=$2; shift 2 ;;
    --heap-limit) limit=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

dotnet build TopicEngine.sln -c Release >/dev/null
mkdir -p "$work"
start=$SECONDS
for ((i = 1; i <= iterations; i++)); do
  if ((duration > 0 && SECONDS - start >= duration)); then echo "duration reached after $((i - 1)) runs"; break; fi
  echo "run $i/$iterations: TOPICENGINE_FUZZ_SCALE=$scale TOPICENGINE_KILL_SCALE=$kills, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  run_start=$SECONDS
  if ! TOPICENGINE_FUZZ_SCALE=$scale TOPICENGINE_KILL_SCALE=$kills dotnet test tests/TopicEngine.Tests -c Release --no-build \
      --filter "Category=Reliability|FullyQualifiedName~TopicEngine.Tests.CrashSafetyTests" --logger "console;verbosity=detailed" >"$work/run-$i.log" 2>&1; then
    grep -E "Failed|fuzz .*failing|input:" "$work/run-$i.log" | head -20
    echo "run $i failed; log: $work/run-$i.log"; exit 1
  fi
  grep -E "^ *fuzz |^ *(fit|update|prepare|annotate|index): [0-9]+ kills" "$work/run-$i.log" | sed 's/^ */  /'
  echo "  run $i passed in $((SECONDS - run_start)) s"
done

if ((memory)); then
  te="src/TopicEngine.Cli/bin/Release/net10.0/topic-engine"
  corpus="$work/corpus-$docs" news="$work/news-$docs"
  [[ -f "$corpus/docword.synthetic.txt" ]] || "$te" generate --docs "$docs" --vocab 20000 --topics 20 --doc-length 100 --seed 1 --out "$corpus" >/dev/null
  [[ -f "$news/docword.synthetic.txt" ]] || "$te" generate --docs "$((docs / 3))" --vocab 20000 --topics 20 --doc-length 100 --seed 2 --out "$news" >/dev/null
  echo "corpus: $(du -m "$corpus/docword.synthetic.txt" | cut -f1) MB docword ($docs documents), heap limit $limit ($((limit / 1048576)) MiB)"
  for mode in free capped; do
    env=(); [[ $mode == capped ]] && env=(DOTNET_GCHeapHardLimit=$limit)
    rm -rf "$work/model-$mode" "$work/updated-$mode" "$work/theta-$mode.parquet"
    for step in fit update infer; do
      case $step in
        fit) args=(fit --input "$corpus/docword.synthetic.txt" --topics 20 --passes 1 --threads 2 --seed 3 --out "$work/model-$mode") ;;
        update) args=(update --model "$work/model-$mode" --input "$news/docword.synthetic.txt" --threads 2 --seed 3 --out "$work/updated-$mode") ;;
        infer) args=(infer --model "$work/model-$mode" --input "$news/docword.synthetic.txt" --threads 2 --out "$work/theta-$mode.parquet") ;;
      esac
      env "${env[@]}" /usr/bin/time -f "$step $mode: peak working set %M KB, %e s" "$te" "${args[@]}" 2>&1 >/dev/null | grep -E "peak working set|rror" || { echo "$step $mode failed"; exit 1; }
    done
  done
  for f in model-%s/current/lambda.parquet updated-%s/current/lambda.parquet theta-%s.parquet; do
    a=$(sha256sum "$work/$(printf "$f" free)" | cut -c1-16) b=$(sha256sum "$work/$(printf "$f" capped)" | cut -c1-16)
    [[ $a == "$b" ]] && echo "same bytes: $(printf "$f" '*') ($a)" || { echo "DIFFERENT: $(printf "$f" '*') $a vs $b"; exit 1; }
  done
fi
echo "soak passed"
