#!/usr/bin/python3
"""Turn a compare_peers.sh results TSV into the Markdown tables used in benchmarks/RESULTS.md.

First every row (one per tool, K, passes and seed), then one row per tool, K and passes with the mean over the
seeds ± the spread (half the range, max − min over 2) and the number of seeds.
Usage: results_table.py RESULTS.tsv [--summary-only]
"""
import csv
import sys
from collections import OrderedDict

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
summary_only = "--summary-only" in sys.argv[2:]
metrics = [("seconds", "fit wall s", "{:.1f}"), ("process_cpu_s", "process CPU s", "{:.1f}"),
           ("held_out_perplexity", "held-out perplexity", "{:,.0f}"), ("npmi", "NPMI", "{:.3f}"),
           ("diversity", "diversity", "{:.3f}")]

if not summary_only:
    print("| tool | K | passes | seed | threads | fit wall s | tokens/s (wall) | process CPU s | held-out perplexity | NPMI | diversity |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['tool']} | {r['K']} | {r['passes']} | {r.get('seed', '')} | {r['threads']} | {float(r['seconds']):.1f} "
              f"| {float(r['tokens_per_s']):,.0f} | {float(r['process_cpu_s']):.1f} "
              f"| {float(r['held_out_perplexity']):.0f} | {float(r['npmi']):.3f} | {float(r['diversity']):.3f} |")
    print()

groups = OrderedDict()
for r in rows:
    groups.setdefault((r["tool"], r["K"], r["passes"], r["threads"]), []).append(r)
print("| tool | K | passes | threads | seeds | " + " | ".join(label for _, label, _ in metrics) + " |")
print("|---|---|---|---|---|" + "---|" * len(metrics))
for (tool, k, passes, threads), group in groups.items():
    cells = []
    for key, _, fmt in metrics:
        values = [float(r[key]) for r in group]
        mean, spread = sum(values) / len(values), (max(values) - min(values)) / 2
        cells.append(f"{fmt.format(mean)} ± {fmt.format(spread)}" if len(values) > 1 else fmt.format(mean))
    print(f"| {tool} | {k} | {passes} | {threads} | {len(group)} | " + " | ".join(cells) + " |")
