#!/usr/bin/env bash
# Agreement of TopicEngine's coherence (UMass, NPMI, C_V) with gensim's CoherenceModel (u_mass, c_npmi, c_v) on 20news:
# fit on the train split, then `evaluate` scores the topics on the training corpus (its default reference) and exports the
# exact tokenised documents it counted (--export-texts); gensim scores the same top words on those same texts.
# Prints a per-topic table with both values and their differences (tolerance 0.01; exit 1 beyond it).
#
# Usage: benchmarks/coherence_agreement.sh [20news-bydate-train folder or 20news-bydate.tar.gz] [work dir]
#   env: TOPICS=20 PASSES=2 TOP=10 MARKDOWN=1 (Markdown table for RESULTS.md)
# Needs: apt-get install -y python3-gensim  (uses /usr/bin/python3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
source=${1:-/tmp/data/20news-bydate-train}
work=${2:-/tmp/topicengine-coherence}
TOPICS=${TOPICS:-20}
PASSES=${PASSES:-2}
TOP=${TOP:-10}
python=/usr/bin/python3

mkdir -p "$work"
if [[ ! -d "$source" ]]; then
  archive=${source}
  [[ -f "$archive" ]] || archive=$root/../shared/corpora/20news-bydate/20news-bydate.tar.gz
  if [[ ! -d "$work/20news-bydate-train" ]]; then tar -xzf "$archive" -C "$work"; fi
  source=$work/20news-bydate-train
fi
dotnet build "$root/src/TopicEngine.Cli" -c Release -v q -nologo >/dev/null
rm -rf "$work/bin" && cp -r "$root/src/TopicEngine.Cli/bin/Release/net10.0" "$work/bin"
te="$work/bin/topic-engine"

if [[ ! -f "$work/model/CURRENT" ]]; then
  "$te" fit --input "$source" --encoding auto --topics "$TOPICS" --passes "$PASSES" --device cpu --out "$work/model" >/dev/null
fi
start=$(date +%s.%N)
"$te" evaluate --model "$work/model" --top "$TOP" --json --export-texts "$work/texts.jsonl" --out "$work" > "$work/evaluation.json"
echo "topic-engine evaluate: $(echo "$(date +%s.%N) - $start" | bc) s"
start=$(date +%s.%N)
status=0
$python "$here/coherence_agreement.py" --texts "$work/texts.jsonl" --evaluation "$work/evaluation.json" ${MARKDOWN:+--markdown} || status=$?
echo "gensim CoherenceModel (3 measures): $(echo "$(date +%s.%N) - $start" | bc) s"
exit $status
