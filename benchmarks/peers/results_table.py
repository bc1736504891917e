#!/usr/bin/python3
"""Turn a compare_peers.sh results TSV into the Markdown table used in benchmarks/RESULTS.md."""
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| tool | K | passes | threads | fit wall s | tokens/s (wall) | process CPU s | held-out perplexity | NPMI | diversity |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['tool']} | {r['K']} | {r['passes']} | {r['threads']} | {float(r['seconds']):.1f} "
          f"| {float(r['tokens_per_s']):,.0f} | {float(r['process_cpu_s']):.1f} "
          f"| {float(r['held_out_perplexity']):.0f} | {float(r['npmi']):.3f} | {float(r['diversity']):.3f} |")
