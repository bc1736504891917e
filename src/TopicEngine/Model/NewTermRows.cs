using TopicEngine.Corpus;
using TopicEngine.Inference;

namespace TopicEngine.Model;

/// <summary>
/// λ rows for the terms <c>update --grow-vocab</c> appends (ids V_old … V_new − 1).
/// <para>A new term has no history in λ. Its rows start where the online global step drives them on the new
/// documents (its fixed point for data like these), rather than at the bare prior:
/// λ_kw = η + (D / N) Σ_{d ∈ new} n_dw φ_dwk, with D the documents of the model plus the N new training
/// documents (the D of the update's D/|B| scale), and φ_dwk = exp(Elogθ_dk) / Σ_j exp(Elogθ_dj), where
/// Elogθ_d = ψ(γ_d) − ψ(Σγ_d) and γ_d is the local step of document d against the model's λ over its known
/// terms only. That φ is exactly the local step's φ for a word whose E[log β] is the same in every topic:
/// a new word is credited to the topics the rest of its document is about, without favouring any topic
/// (starting the rows at η would not do that: expElogβ_kw = exp(ψ(η) − ψ(Σ_w λ_kw)) favours small topics).
/// A term used only by topic k's documents therefore gets its mass in row k, at the scale of the existing
/// terms, and can rank among k's top terms; the update's SVI steps then refine it like any other row.</para>
/// </summary>
internal static class NewTermRows
{
    /// <summary>
    /// Returns λ for <paramref name="newVocabularySize"/> terms: the model's rows unchanged, then the new rows as
    /// described above. <paramref name="trainingBatches"/> are the update's training documents (ids may be
    /// ≥ <paramref name="oldVocabularySize"/>); <paramref name="backend"/> has K topics (its λ is replaced).
    /// </summary>
    public static float[] Grow(float[] lambda, int oldVocabularySize, int newVocabularySize, float[] alpha, float eta,
        IEnumerable<SparseBatch> trainingBatches, ILdaBackend backend, LocalStepOptions options, double documentsScale,
        CancellationToken cancellationToken = default)
    {
        int k = alpha.Length, added = newVocabularySize - oldVocabularySize;
        if (lambda.Length != (long)oldVocabularySize * k) throw new ArgumentException("lambda must be V_old×K.", nameof(lambda));
        if (added < 0) throw new ArgumentOutOfRangeException(nameof(newVocabularySize));
        // statistics: added×K, term-major like λ (row w − V_old)
        var statistics = new double[(long)added * k];
        backend.SetLambda(lambda, oldVocabularySize);
        var elogTheta = new double[k];
        var expElogTheta = new double[k];
        var whole = new System.Collections.Concurrent.ConcurrentQueue<SparseBatch>();   // filled by the runner's reader, in order
        var knownOnly = trainingBatches.Select(batch =>
        {
            whole.Enqueue(batch);
            return KnownTermsOnly(batch, oldVocabularySize);
        });
        foreach (var output in new LocalStepRunner(backend, options).Run(knownOnly, alpha, cancellationToken: cancellationToken))
        {
            if (!whole.TryDequeue(out var batch)) throw new InvalidOperationException("the batches fell out of step.");
            var gamma = output.Gamma.Span;
            for (int d = 0; d < batch.DocumentCount; d++)
            {
                var terms = batch.DocumentTerms(d);
                var counts = batch.DocumentCounts(d);
                bool any = false;
                foreach (int w in terms) any |= w >= oldVocabularySize;
                if (!any) continue;
                // φ_dk = exp(Elogθ_dk) / Σ_j exp(Elogθ_dj)
                LdaMath.DirichletExpectation(gamma.Slice(d * k, k), elogTheta);
                double norm = 0;
                for (int t = 0; t < k; t++) norm += expElogTheta[t] = Math.Exp(elogTheta[t]);
                for (int i = 0; i < terms.Length; i++)
                {
                    if (terms[i] < oldVocabularySize) continue;
                    long row = (long)(terms[i] - oldVocabularySize) * k;
                    for (int t = 0; t < k; t++) statistics[row + t] += counts[i] * expElogTheta[t] / norm;
                }
            }
        }

        var grown = new float[(long)newVocabularySize * k];
        lambda.CopyTo(grown, 0);
        for (long i = 0; i < statistics.Length; i++)
            grown[(long)oldVocabularySize * k + i] = (float)(eta + documentsScale * statistics[i]);
        return grown;
    }

    /// <summary>The batch with every term ≥ <paramref name="vocabularySize"/> left out (same documents, same order).</summary>
    private static SparseBatch KnownTermsOnly(SparseBatch batch, int vocabularySize)
    {
        var offsets = new int[batch.DocumentCount + 1];
        var terms = new List<int>();
        var counts = new List<float>();
        for (int d = 0; d < batch.DocumentCount; d++)
        {
            var documentTerms = batch.DocumentTerms(d);
            var documentCounts = batch.DocumentCounts(d);
            for (int i = 0; i < documentTerms.Length; i++)
            {
                if (documentTerms[i] >= vocabularySize) continue;
                terms.Add(documentTerms[i]);
                counts.Add(documentCounts[i]);
            }
            offsets[d + 1] = terms.Count;
        }
        return new SparseBatch(batch.Keys, offsets, terms.ToArray(), counts.ToArray());
    }
}
