#!/usr/bin/env bash
# Side-by-side comparison of TopicEngine with gensim and scikit-learn on 20news-bydate.
#
# Data: every tool fits the train split with one vocabulary (TopicEngine's prepare: min_df 5, max_df 0.5),
# exported as UCI so the peers read the same documents and term ids.
#
# What each tool gets (per K in TOPICS, P in PASSES, S in SEEDS):
# - topicengine: `fit --corpus prepared --topics K --passes P --threads 1 --holdout 0 --seed S --device cpu`,
#   nothing else: its DEFAULTS (mini-batch, κ, τ0, mode, priors, local-step settings). --device cpu because the
#   comparison is CPU against CPU; --seed so that the seeds vary. TE_FLAGS="..." adds flags and labels the row
#   "topicengine <flags>" (for trying candidates; leave it empty for the comparison the issue asks for).
# - gensim (LdaModel, update_every=1), gensim-multicore (LdaMulticore, 2 workers), sklearn-online,
#   sklearn-batch (n_jobs=1): K, P passes, random_state S, α = η = 1/K, at most 100 local iterations with
#   tolerance 1e-3 (mean |Δγ|), and the schedule this script sets: mini-batch BATCH (auto: D/10 rounded up, within
#   [64, 4096], the number TopicEngine's --batch-size auto takes), κ = KAPPA, τ0 = TAU0 (defaults 0.7 and 10,
#   TopicEngine's defaults). gensim's ρ also adds the pass number to τ0 + t (its own rule). The peers read the
#   documents in the stored order (20news: sorted by newsgroup), as they do by default: neither shuffles. TopicEngine
#   shuffles by default (--order shuffled, a new seeded order each pass). PEER_ORDER=shuffled gives the peers one
#   seeded permutation of the documents (run_peers.py --shuffle) to see what the order alone is worth to them.
#
# Scoring: one evaluator (topic-engine evaluate) for every tool, with ONE explicit reference for coherence:
# - held-out perplexity by document completion on the raw test split (θ from every other token, the rest scored);
# - NPMI of the top 10 words with `--reference <test split>` for every tool: the raw test files, so word order is
#   kept and NPMI counts sliding windows (evaluate's window, as gensim's c_npmi). Before, TopicEngine's models
#   defaulted to their prepared training corpus (document co-occurrence) while --topic-word peers fell back to the
#   test split, so their NPMI were not comparable;
# - diversity: unique share of the top 25 words.
# Each row carries its seed; results_table.py prints mean ± spread over the seeds per tool.
#
# Usage: benchmarks/compare_peers.sh [20news-bydate.tar.gz] [work dir]
#   env: TOPICS="20 100" PASSES="10" SEEDS="1 2 3" TOOLS="gensim gensim-multicore sklearn-online sklearn-batch"
#        BATCH=auto KAPPA=0.7 TAU0=10 (the peers' schedule) OURS=1 (0: peers only; TOOLS="": TopicEngine only)
#        TE_FLAGS="" (extra fit flags for TopicEngine; empty = defaults) PEER_ORDER=corpus (or shuffled)
#        TE_BUILD=fast (README's fast-start publish; r2r: framework-dependent ReadyToRun; jit: the `dotnet build` output)
#   then: /usr/bin/python3 benchmarks/peers/results_table.py WORK/results-*.tsv
# Needs: apt-get install -y python3-gensim python3-sklearn  (uses /usr/bin/python3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
archive=${1:-$root/../shared/corpora/20news-bydate/20news-bydate.tar.gz}
work=${2:-/tmp/topicengine-compare}
TOPICS=${TOPICS:-"20 100"}
PASSES=${PASSES:-"10"}
SEEDS=${SEEDS:-"1 2 3"}
TOOLS=${TOOLS-"gensim gensim-multicore sklearn-online sklearn-batch"}
BATCH=${BATCH:-auto}
KAPPA=${KAPPA:-0.7}
TAU0=${TAU0:-10}
TE_FLAGS=${TE_FLAGS:-}
PEER_ORDER=${PEER_ORDER:-corpus}
python=/usr/bin/python3

mkdir -p "$work"
# Publish once into a private folder, so rebuilding the tree during a long run changes nothing. The binary is the one
# README's Install section publishes for the shortest start-up (TE_BUILD=fast): self-contained, the program and the .NET
# libraries precompiled together (composite ReadyToRun) and run without tiered re-compilation, so start-up, Parquet and
# JSON code are not JIT-compiled in every process (about 1 s of a 20news fit; benchmarks/RESULTS.md §13f).
# TE_BUILD=r2r: framework-dependent ReadyToRun; TE_BUILD=jit: the plain `dotnet build` output.
rm -rf "$work/bin"
case "${TE_BUILD:-fast}" in
  jit) dotnet build "$root/src/TopicEngine.Cli" -c Release -v q -nologo >/dev/null
       cp -r "$root/src/TopicEngine.Cli/bin/Release/net10.0" "$work/bin" ;;
  r2r) dotnet publish "$root/src/TopicEngine.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
         -o "$work/bin" -v q -nologo >/dev/null ;;
  *)   dotnet publish "$root/src/TopicEngine.Cli" -c Release -r linux-x64 --self-contained true -p:PublishReadyToRun=true \
         -p:PublishReadyToRunComposite=true -p:TieredCompilation=false -o "$work/bin" -v q -nologo >/dev/null ;;
esac
te="$work/bin/topic-engine"

if [ ! -d "$work/20news/20news-bydate-train" ]; then
  mkdir -p "$work/20news" && tar xzf "$archive" -C "$work/20news"
fi
train="$work/20news/20news-bydate-train"
test="$work/20news/20news-bydate-test"
# a prepared folder is versioned (CURRENT names the version holding corpus.json); flat folders of older builds have it on top
if [ ! -f "$work/prepared/CURRENT" ] && [ ! -f "$work/prepared/corpus.json" ]; then
  rm -rf "$work/prepared"
  "$te" prepare --input "$train" --encoding auto --min-df 5 --max-df 0.5 --out "$work/prepared"
fi
[ -f "$work/uci/docword.txt" ] || "$te" export --corpus "$work/prepared" --out "$work/uci"

if [ "$BATCH" = auto ]; then
  docs=$(head -1 "$work/uci/docword.txt")
  BATCH=$(( (docs + 9) / 10 )); [ $BATCH -lt 64 ] && BATCH=64; [ $BATCH -gt 4096 ] && BATCH=4096
fi
echo "peers: mini-batch $BATCH, kappa $KAPPA, tau0 $TAU0, document order $PEER_ORDER; TopicEngine: defaults${TE_FLAGS:+ plus $TE_FLAGS}; NPMI reference: $test"
results="$work/results-$(date +%Y%m%d-%H%M%S).tsv"
printf 'tool\tK\tpasses\tseed\tthreads\tseconds\ttokens_per_s\tprocess_cpu_s\theld_out_perplexity\tnpmi\tdiversity\n' > "$results"
score() { "$te" evaluate --encoding auto --input "$test" --reference "$test" --json "$@"; }
field() { $python -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
row() {  # tool K passes seed threads seconds tokens/s cpu json
  printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%.0f\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" \
    "$(field perplexity <<<"$9")" "$(field npmi <<<"$9")" "$(field diversity <<<"$9")" | tee -a "$results"
}

for k in $TOPICS; do
  for p in $PASSES; do
    for seed in $SEEDS; do
      if [ "${OURS:-1}" = 1 ]; then
        out="$work/models/te-k$k-p$p-s$seed"
        rm -rf "$out"
        # shellcheck disable=SC2086  # TE_FLAGS is a list of flags
        line=$(/usr/bin/time -o "$work/cpu.txt" -f '%U %S' "$te" fit --corpus "$work/prepared" --topics "$k" --passes "$p" --threads 1 \
                 --holdout 0 --seed "$seed" --device cpu $TE_FLAGS --out "$out" 2>/dev/null | grep '^trained ')
        seconds=$(sed -E 's/.* in ([0-9.]+) s on .*/\1/' <<<"$line")
        rate=$(sed -E 's/.*: ([0-9,]+) tokens\/s/\1/; s/,//g' <<<"$line")
        row "topicengine${TE_FLAGS:+ $TE_FLAGS}" "$k" "$p" "$seed" 1 "$seconds" "$rate" "$(awk '{print $1 + $2}' "$work/cpu.txt")" "$(score --model "$out")"
      fi
      for tool in $TOOLS; do
        peers="$work/peers/k$k-p$p-s$seed"
        /usr/bin/time -o "$work/cpu.txt" -f '%U %S' $python "$here/peers/run_peers.py" --docword "$work/uci/docword.txt" --topics "$k" --passes "$p" \
          --batch-size "$BATCH" --kappa "$KAPPA" --tau0 "$TAU0" --seed "$seed" --out "$peers" --tools "$tool" $([ "$PEER_ORDER" = shuffled ] && echo --shuffle) >/dev/null
        meta="$peers/$tool.json"
        row "$tool$([ "$PEER_ORDER" = shuffled ] && echo ' (shuffled)')" "$k" "$p" "$seed" "$([ "$tool" = gensim-multicore ] && echo 2 || echo 1)" "$(field seconds < "$meta")" \
          "$(field tokens_per_second < "$meta")" "$(awk '{print $1 + $2}' "$work/cpu.txt")" \
          "$(score --topic-word "$peers/$tool.npy" --vocabulary-from "$work/prepared")"
      done
    done
  done
done
echo "results: $results"
