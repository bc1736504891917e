#!/usr/bin/env bash
# Side-by-side comparison of TopicEngine with gensim and scikit-learn on 20news-bydate.
# Every tool fits the train split with one vocabulary (TopicEngine's prepare: min_df 5,
# max_df 0.5), the same K, passes, priors (1/K) and schedule; every tool's topics are then
# scored by the same evaluator (topic-engine evaluate): held-out document-completion perplexity on
# the test split, NPMI (top 10) and diversity (top 25). Since issue 13, NPMI's reference is the
# prepared training corpus (evaluate's default for every tool here: a bag of words, so document
# co-occurrence); before, it was the test split's document co-occurrence.
#
# Usage: benchmarks/compare_peers.sh [20news-bydate.tar.gz] [work dir]
#   env: TOPICS="20 100" PASSES="1 10" TOOLS="gensim gensim-multicore sklearn-online sklearn-batch"
#        BATCH=auto KAPPA=0.7 TAU0=10 OURS=1 (0: peers only; TOOLS="": TopicEngine only)
#        BATCH=auto is TopicEngine's default, D/10 within [64, 4096]; every tool gets that number.
# Needs: apt-get install -y python3-gensim python3-sklearn  (uses /usr/bin/python3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
archive=${1:-$root/../shared/corpora/20news-bydate/20news-bydate.tar.gz}
work=${2:-/tmp/topicengine-compare}
TOPICS=${TOPICS:-"20 100"}
PASSES=${PASSES:-"1 10"}
TOOLS=${TOOLS:-"gensim gensim-multicore sklearn-online sklearn-batch"}
BATCH=${BATCH:-auto}
KAPPA=${KAPPA:-0.7}
TAU0=${TAU0:-10}
python=/usr/bin/python3

mkdir -p "$work"
# Build once and run a private copy, so rebuilding the tree during a long run changes nothing.
dotnet build "$root/src/TopicEngine.Cli" -c Release -v q -nologo >/dev/null
rm -rf "$work/bin" && cp -r "$root/src/TopicEngine.Cli/bin/Release/net10.0" "$work/bin"
te="$work/bin/topic-engine"

if [ ! -d "$work/20news/20news-bydate-train" ]; then
  mkdir -p "$work/20news" && tar xzf "$archive" -C "$work/20news"
fi
train="$work/20news/20news-bydate-train"
test="$work/20news/20news-bydate-test"
if [ ! -f "$work/prepared/corpus.json" ]; then
  rm -rf "$work/prepared"
  "$te" prepare --input "$train" --encoding auto --min-df 5 --max-df 0.5 --out "$work/prepared"
fi
[ -f "$work/uci/docword.txt" ] || "$te" export --corpus "$work/prepared" --out "$work/uci"

if [ "$BATCH" = auto ]; then
  docs=$(head -1 "$work/uci/docword.txt")
  BATCH=$(( (docs + 5) / 10 )); [ $BATCH -lt 64 ] && BATCH=64; [ $BATCH -gt 4096 ] && BATCH=4096
fi
echo "batch size: $BATCH"
results="$work/results-$(date +%Y%m%d-%H%M%S).tsv"
printf 'tool\tK\tpasses\tthreads\tseconds\ttokens_per_s\tprocess_cpu_s\theld_out_perplexity\tnpmi\tdiversity\n' > "$results"
score() { "$te" evaluate --encoding auto --input "$test" --json "$@"; }
field() { $python -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

for k in $TOPICS; do
  for p in $PASSES; do
    for threads in $([ "${OURS:-1}" = 1 ] && echo 1 0 batch); do
      mode=online
      if [ "$threads" = batch ]; then mode=batch; threads=0; fi
      out="$work/models/te-k$k-p$p-t$threads-$mode"
      rm -rf "$out"
      line=$(/usr/bin/time -o "$work/cpu.txt" -f '%U %S' "$te" fit --corpus "$work/prepared" --topics "$k" --passes "$p" --holdout 0 --threads "$threads" --mode "$mode" \
               --batch-size "$BATCH" --kappa "$KAPPA" --tau0 "$TAU0" --device cpu --out "$out" 2>/dev/null | grep '^trained ')
      seconds=$(sed -E 's/.* in ([0-9.]+) s on .*/\1/' <<<"$line")
      rate=$(sed -E 's/.*: ([0-9,]+) tokens\/s/\1/; s/,//g' <<<"$line")
      json=$(score --model "$out")
      cpu=$(awk '{print $1 + $2}' "$work/cpu.txt")
      label=$([ "$threads" = 1 ] && echo "topicengine-cpu-1thread" || echo "topicengine-cpu-$(nproc)threads")
      [ "$mode" = batch ] && label="topicengine-batch-$(nproc)threads"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$k" "$p" "$([ "$threads" = 1 ] && echo 1 || nproc)" "$seconds" "$rate" "$cpu" \
        "$(field perplexity <<<"$json")" "$(field npmi <<<"$json")" "$(field diversity <<<"$json")" | tee -a "$results"
    done
    for tool in $TOOLS; do
      peers="$work/peers/k$k-p$p"
      /usr/bin/time -o "$work/cpu.txt" -f '%U %S' $python "$here/peers/run_peers.py" --docword "$work/uci/docword.txt" --topics "$k" --passes "$p" \
        --batch-size "$BATCH" --kappa "$KAPPA" --tau0 "$TAU0" --out "$peers" --tools "$tool" >/dev/null
      meta="$peers/$tool.json"
      json=$(score --topic-word "$peers/$tool.npy" --vocabulary-from "$work/prepared")
      cpu=$(awk '{print $1 + $2}' "$work/cpu.txt")
      workers=$([ "$tool" = gensim-multicore ] && echo 2 || echo 1)
      printf '%s\t%s\t%s\t%s\t%.1f\t%.0f\t%s\t%s\t%s\t%s\n' "$tool" "$k" "$p" "$workers" "$(field seconds < "$meta")" "$(field tokens_per_second < "$meta")" "$cpu" \
        "$(field perplexity <<<"$json")" "$(field npmi <<<"$json")" "$(field diversity <<<"$json")" | tee -a "$results"
    done
  done
done
echo "results: $results"
