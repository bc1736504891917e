using TopicEngine.Text;

namespace TopicEngine.Corpus;

/// <summary>
/// Counts documents from readers against an existing vocabulary into memory (terms the vocabulary
/// lacks are dropped): held-out sets for <c>evaluate</c>, small new corpora. For corpora larger
/// than memory, stream <see cref="BatchBuilder.Batches"/> instead.
/// </summary>
internal static class CountedCorpus
{
    public static InMemoryCorpus Count(IReadOnlyList<CorpusSource> sources, AnalyzerSettings analyzer, Vocabulary vocabulary,
        out ReadReport report, int batchSize = 1024)
    {
        using var textAnalyzer = new TextAnalyzer(analyzer);
        var builder = new BatchBuilder(textAnalyzer, vocabulary);
        var corpus = new InMemoryCorpus(vocabulary.Count);
        report = new ReadReport();
        foreach (var source in sources)
            foreach (var batch in builder.Batches(source, batchSize, report))
                for (int d = 0; d < batch.DocumentCount; d++)
                    corpus.Add(batch.Keys[d], batch.DocumentTerms(d).ToArray(), batch.DocumentCounts(d).ToArray());
        if (corpus.DocumentCount == 0)
            throw new TopicEngineException($"no documents in {string.Join(", ", sources.Select(s => s.Path))}");
        return corpus;
    }
}
