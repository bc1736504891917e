#!/usr/bin/python3
"""Fit the peer LDA tools on one UCI bag-of-words corpus and export their lambda.

Every tool sees the same documents, vocabulary, K, passes, priors (alpha = eta = 1/K) and
learning schedule (kappa, tau0, batch size). Each tool's variational topic-word parameter
(K x V, gensim `state.get_lambda()`, scikit-learn `components_`) is written as
OUT/<tool>.npy so that TopicEngine's own evaluator scores every tool the same way
(`topic-engine evaluate --topic-word OUT/<tool>.npy`). Timings go to OUT/<tool>.json.

Run with Debian's python (apt-get install -y python3-gensim python3-sklearn):
  /usr/bin/python3 benchmarks/peers/run_peers.py --docword train/docword.txt \
      --topics 20 --passes 1 --out /tmp/peers --tools gensim gensim-multicore sklearn-online
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp


def read_docword(path):
    """UCI docword: D, V, NNZ header lines then 'doc word count' (1-based)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        d = int(f.readline())
        v = int(f.readline())
        nnz = int(f.readline())
        data = np.loadtxt(f, dtype=np.int64, ndmin=2)
    if data.shape[0] != nnz:
        sys.exit(f"{path}: header says {nnz} non-zeros, body has {data.shape[0]}")
    rows, cols, vals = data[:, 0] - 1, data[:, 1] - 1, data[:, 2].astype(np.float64)
    return sp.csr_matrix((vals, (rows, cols)), shape=(d, v))


def fit_gensim(x, args, multicore):
    from gensim.models import LdaModel, LdaMulticore
    corpus = [list(zip(x.indices[x.indptr[i]:x.indptr[i + 1]].tolist(),
                       x.data[x.indptr[i]:x.indptr[i + 1]].tolist())) for i in range(x.shape[0])]
    common = dict(corpus=corpus, num_topics=args.topics, id2word={i: str(i) for i in range(x.shape[1])},
                  passes=args.passes, chunksize=args.batch_size, alpha="symmetric",
                  eta=1.0 / args.topics, decay=args.kappa, offset=args.tau0,
                  iterations=args.max_iterations, gamma_threshold=args.tolerance,
                  eval_every=None, random_state=args.seed)
    start = time.perf_counter()
    if multicore:
        model = LdaMulticore(workers=args.workers, **common)
    else:
        model = LdaModel(update_every=1, **common)
    seconds = time.perf_counter() - start
    return model.state.get_lambda().astype(np.float32), seconds


def fit_sklearn(x, args, method):
    from sklearn.decomposition import LatentDirichletAllocation
    model = LatentDirichletAllocation(
        n_components=args.topics, doc_topic_prior=1.0 / args.topics, topic_word_prior=1.0 / args.topics,
        learning_method=method, learning_decay=args.kappa, learning_offset=args.tau0,
        max_iter=args.passes, batch_size=args.batch_size, evaluate_every=-1,
        max_doc_update_iter=args.max_iterations, mean_change_tol=args.tolerance,
        total_samples=x.shape[0], n_jobs=1, random_state=args.seed)
    start = time.perf_counter()
    model.fit(x)
    seconds = time.perf_counter() - start
    return model.components_.astype(np.float32), seconds


TOOLS = {
    "gensim": lambda x, a: fit_gensim(x, a, multicore=False),
    "gensim-multicore": lambda x, a: fit_gensim(x, a, multicore=True),
    "sklearn-online": lambda x, a: fit_sklearn(x, a, "online"),
    "sklearn-batch": lambda x, a: fit_sklearn(x, a, "batch"),
}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docword", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--tools", nargs="+", default=list(TOOLS), choices=list(TOOLS))
    p.add_argument("--topics", type=int, default=20)
    p.add_argument("--passes", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--kappa", type=float, default=0.7)
    p.add_argument("--tau0", type=float, default=64.0)
    p.add_argument("--max-iterations", type=int, default=100)
    p.add_argument("--tolerance", type=float, default=1e-3)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--shuffle", action="store_true",
                   help="permute the documents once (by --seed) before fitting; neither tool shuffles by itself")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    x = read_docword(args.docword)
    if args.shuffle:
        x = x[np.random.RandomState(args.seed).permutation(x.shape[0])]
    tokens = float(x.sum())
    for tool in args.tools:
        lam, seconds = TOOLS[tool](x, args)
        np.save(os.path.join(args.out, f"{tool}.npy"), lam)
        result = dict(tool=tool, topics=args.topics, passes=args.passes, seconds=seconds,
                      documents=x.shape[0], vocabulary=x.shape[1], tokens=tokens,
                      tokens_per_second=tokens * args.passes / seconds)
        with open(os.path.join(args.out, f"{tool}.json"), "w") as f:
            json.dump(result, f)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
