#!/usr/bin/python3
"""Scores TopicEngine's topics with gensim's CoherenceModel (u_mass, c_npmi, c_v) on exactly the tokenised documents
TopicEngine counted, and prints a per-topic table of both tools' values and their differences.

Inputs, both written by `topic-engine evaluate --json --export-texts TEXTS`:
  --texts TEXTS        one JSON array of tokens per document (the reference corpus, in order)
  --evaluation JSON    evaluate's JSON output (per_topic: topic_id, top_terms, umass, npmi, c_v)
Exit status 1 when a topic differs by more than --tolerance (default 0.01) in any measure, 0 otherwise.
Needs /usr/bin/python3 with gensim (apt-get install -y python3-gensim)."""
import argparse
import json
import math
import sys

from gensim.corpora import Dictionary
from gensim.models.coherencemodel import CoherenceModel

MEASURES = [("umass", "u_mass"), ("npmi", "c_npmi"), ("c_v", "c_v")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", required=True)
    parser.add_argument("--evaluation", required=True)
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    with open(args.evaluation, encoding="utf-8") as f:
        ours = json.load(f)
    with open(args.texts, encoding="utf-8") as f:
        texts = [json.loads(line) for line in f]
    if not ours.get("sliding_windows"):
        sys.exit("the evaluation counted document co-occurrence only (bag-of-words reference); gensim's c_npmi/c_v need texts")
    topics = [t["top_terms"] for t in ours["per_topic"]]
    dictionary = Dictionary(texts)
    corpus = [dictionary.doc2bow(text) for text in texts]
    theirs = {}
    for ours_name, gensim_name in MEASURES:
        model = CoherenceModel(topics=topics, texts=texts, corpus=corpus if gensim_name == "u_mass" else None,
                               dictionary=dictionary, coherence=gensim_name, topn=max(len(t) for t in topics), processes=1)
        theirs[ours_name] = [float(x) for x in model.get_coherence_per_topic()]

    worst = {name: 0.0 for name, _ in MEASURES}
    undefined = 0
    rows = []
    for i, topic in enumerate(ours["per_topic"]):
        row = [str(topic["topic_id"])]
        for name, _ in MEASURES:
            a, b = topic[name], theirs[name][i]
            if not math.isfinite(b):   # gensim: a top word absent from the reference (division by zero)
                undefined += 1
                row += [f"{a:.4f}", str(b), "n/a"]
                continue
            diff = a - b
            worst[name] = max(worst[name], abs(diff))
            row += [f"{a:.4f}", f"{b:.4f}", f"{diff:+.1e}"]
        row.append(" ".join(topic["top_terms"][:6]))
        rows.append(row)
    header = ["topic"] + [f"{n} {who}" for n, _ in MEASURES for who in ("ours", "gensim", "diff")] + ["top words"]
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        print("  ".join(header))
        for row in rows:
            print("  ".join(row))
    means = {name: (sum(t[name] for t in ours["per_topic"]) / len(topics), sum(theirs[name]) / len(topics)) for name, _ in MEASURES}
    print()
    print(f"documents: {len(texts)}, topics: {len(topics)}, top words: {max(len(t) for t in topics)}")
    for name, gensim_name in MEASURES:
        print(f"{name:6s} (gensim {gensim_name}): mean ours {means[name][0]:.4f}, gensim {means[name][1]:.4f}; "
              f"max |diff| per topic {worst[name]:.2e}")
    if undefined:
        print(f"{undefined} topic scores are not finite in gensim (a top word absent from the reference)")
    failed = any(v > args.tolerance for v in worst.values())
    print(("FAIL" if failed else "OK") + f": tolerance {args.tolerance}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
