using System.Buffers.Binary;
using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Util;
using TopicEngine.Text;

namespace TopicEngine;

/// <summary>
/// Adds topic fields to Lucene <see cref="Document"/>s before <c>IndexWriter.AddDocument</c> or <c>UpdateDocument</c>
/// (as Elasticsearch's <c>inference</c> ingest processor does): the text of <see cref="TopicEnricherOptions.SourceFields"/>
/// is inferred with the loaded <see cref="TopicModel"/> and, with the prefix P (default <c>topic</c>):
/// <list type="bullet">
/// <item><c>P_dominant</c>: the dominant topic id, an indexed, stored string field with sorted-set doc values (filter, facet);</item>
/// <item><c>P_above</c>: every topic whose θ is at least the threshold (the dominant one always), one value each, likewise;</item>
/// <item><c>P_theta</c>: θ as K little-endian float32s, stored and in binary doc values (read cheaply to rank by likeness);</item>
/// <item><c>P_model</c>: the model's identity, <see cref="ModelStamp"/> (indexed, stored).</item>
/// </list>
/// <para>Call order: construct once per model and options; call <see cref="Enrich(Document)"/> or
/// <see cref="Enrich(IReadOnlyList{Document})"/> from any number of threads (each document belongs to one caller);
/// the enricher does not own the model.</para>
/// <para>Thread safety: the only shared state is the two counters, updated atomically. A document gets the same fields
/// whichever thread enriches it and however many documents are batched with it (inference is deterministic per text).</para>
/// </summary>
public sealed class TopicEnricher
{
    private readonly TopicModel _model;
    private long _enriched;
    private long _skipped;

    /// <summary>An enricher for <paramref name="model"/> (loaded, not disposed while the enricher is used).</summary>
    /// <exception cref="TopicEngineException">An option out of range, named.</exception>
    public TopicEnricher(TopicModel model, TopicEnricherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new TopicEnricherOptions();
        options.Validate();
        _model = model;
        Options = options;
        string prefix = options.TargetPrefix;
        DominantField = prefix + "_dominant";
        AboveField = prefix + "_above";
        ThetaField = prefix + "_theta";
        ModelField = prefix + "_model";
        ModelStamp = Stamp(model);
    }

    /// <summary>The options in force.</summary>
    public TopicEnricherOptions Options { get; }

    /// <summary>The field of the dominant topic id.</summary>
    public string DominantField { get; }

    /// <summary>The multi-valued field of the topics at or above the threshold.</summary>
    public string AboveField { get; }

    /// <summary>The field of θ (stored bytes and binary doc values; see <see cref="DecodeTheta"/>).</summary>
    public string ThetaField { get; }

    /// <summary>The field of the model stamp.</summary>
    public string ModelField { get; }

    /// <summary>Every field this enricher writes.</summary>
    public IReadOnlyList<string> Fields => [DominantField, AboveField, ThetaField, ModelField];

    /// <summary>The model's identity written into <see cref="ModelField"/>:
    /// <c>vocabulary:HASH created:ISO-TIME updated:ISO-TIME</c> from model.json.</summary>
    public string ModelStamp { get; }

    /// <summary>Documents enriched so far.</summary>
    public long Enriched => Interlocked.Read(ref _enriched);

    /// <summary>Documents left without topic fields under the skip or callback policy so far.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>The stamp <see cref="TopicEnricher"/> writes for <paramref name="model"/>.</summary>
    public static string Stamp(TopicModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return string.Create(CultureInfo.InvariantCulture,
            $"vocabulary:{model.VocabularyHash} created:{model.Created.UtcDateTime:O} updated:{model.Updated.UtcDateTime:O}");
    }

    /// <summary>θ from the bytes of a <c>P_theta</c> field (K little-endian float32s).</summary>
    public static float[] DecodeTheta(ReadOnlySpan<byte> bytes)
    {
        var theta = new float[bytes.Length / sizeof(float)];
        for (int k = 0; k < theta.Length; k++) theta[k] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(k * sizeof(float))..]);
        return theta;
    }

    /// <summary>Enriches one document (replacing topic fields it already has). Returns false when it was skipped.</summary>
    /// <exception cref="TopicEngineException">The document cannot be enriched and the policy is fail.</exception>
    public bool Enrich(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        TopicMixture mixture;
        try
        {
            mixture = _model.Infer(SourceText(document));
        }
        catch (Exception e) when (e is TopicEngineException or InvalidOperationException)
        {
            return Failed(document, e);
        }
        Apply(document, mixture);
        return true;
    }

    /// <summary>
    /// Enriches many documents: in batches of <see cref="TopicEnricherOptions.BatchSize"/>, each inferred on the model's
    /// threads (<see cref="InferenceOptions.Threads"/>). Each document gets exactly the fields <see cref="Enrich(Document)"/>
    /// gives it. Returns how many were enriched (the rest were skipped).
    /// </summary>
    /// <exception cref="TopicEngineException">A document cannot be enriched and the policy is fail.</exception>
    public int Enrich(IReadOnlyList<Document> documents) => Enrich(documents, captures: null);

    /// <summary>As <see cref="Enrich(IReadOnlyList{Document})"/>; with <paramref name="captures"/> (one per document), the tokens
    /// analysed for inference are kept there (left empty for a document that was skipped).</summary>
    internal int Enrich(IReadOnlyList<Document> documents, IReadOnlyList<CapturedTokens>? captures)
    {
        ArgumentNullException.ThrowIfNull(documents);
        for (int i = 0; i < documents.Count; i++)
            if (documents[i] is null) throw new ArgumentException($"document {i} is null.", nameof(documents));
        int enriched = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _model.Options.Threads > 0 ? _model.Options.Threads : Environment.ProcessorCount };
        for (int start = 0; start < documents.Count; start += Options.BatchSize)
        {
            int end = Math.Min(documents.Count, start + Options.BatchSize);
            var mixtures = new TopicMixture?[end - start];
            var errors = new Exception?[end - start];
            Parallel.For(start, end, parallel, i =>
            {
                captures?[i].Clear();
                try { mixtures[i - start] = _model.Infer(SourceText(documents[i]), captures?[i]); }
                catch (Exception e) when (e is TopicEngineException or InvalidOperationException) { errors[i - start] = e; }
            });
            for (int i = start; i < end; i++)   // in order, so that the first failure under fail is the first document
            {
                if (mixtures[i - start] is { } mixture)
                {
                    Apply(documents[i], mixture);
                    enriched++;
                }
                else Failed(documents[i], errors[i - start]!);
            }
        }
        return enriched;
    }

    /// <summary>Removes every field this enricher writes from <paramref name="document"/>.</summary>
    public void RemoveTopicFields(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var field in Fields) document.RemoveFields(field);
    }

    /// <summary>The text to infer: the source fields' string values, joined by new lines.</summary>
    private string SourceText(Document document)
    {
        string? single = null;
        List<string>? parts = null;
        foreach (var name in Options.SourceFields)
            foreach (var value in document.GetValues(name))
            {
                if (single is null) single = value;
                else (parts ??= [single]).Add(value);
            }
        if (single is null)
            throw new TopicEngineException($"the document has no text in {string.Join(", ", Options.SourceFields.Select(f => $"'{f}'"))} (the source fields)");
        return parts is null ? single : string.Join('\n', parts);
    }

    private bool Failed(Document document, Exception error)
    {
        if (Options.FailurePolicy == EnrichmentFailurePolicy.Fail)
            throw error as TopicEngineException ?? new TopicEngineException($"cannot enrich a document: {error.Message}", error);
        RemoveTopicFields(document);
        Interlocked.Increment(ref _skipped);
        if (Options.FailurePolicy == EnrichmentFailurePolicy.Callback) Options.OnFailure!(new EnrichmentFailure(document, error));
        return false;
    }

    private void Apply(Document document, TopicMixture mixture)
    {
        RemoveTopicFields(document);
        int dominant = mixture.DominantTopic;
        string label = dominant.ToString(CultureInfo.InvariantCulture);
        document.Add(new StringField(DominantField, label, Field.Store.YES));
        document.Add(new SortedSetDocValuesField(DominantField, new BytesRef(label)));
        var theta = mixture.Theta;
        for (int k = 0; k < theta.Count; k++)
        {
            if (k != dominant && !(theta[k] >= Options.Threshold)) continue;
            string topic = k.ToString(CultureInfo.InvariantCulture);
            document.Add(new StringField(AboveField, topic, Field.Store.YES));
            document.Add(new SortedSetDocValuesField(AboveField, new BytesRef(topic)));
        }
        var bytes = new byte[theta.Count * sizeof(float)];
        for (int k = 0; k < theta.Count; k++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(k * sizeof(float)), theta[k]);
        document.Add(new StoredField(ThetaField, bytes));
        document.Add(new BinaryDocValuesField(ThetaField, new BytesRef(bytes)));
        document.Add(new StringField(ModelField, ModelStamp, Field.Store.YES));
        Interlocked.Increment(ref _enriched);
    }
}
