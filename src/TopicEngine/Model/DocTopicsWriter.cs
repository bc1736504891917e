using Parquet;
using Parquet.Schema;
using TopicEngine.Corpus;
using TopicEngine.Inference;

using TopicEngine.Storage;

namespace TopicEngine.Model;

/// <summary>One row of <c>doc_topics.parquet</c>.</summary>
internal sealed record DocTopicsRow(string DocKey, int TopicId, float Probability, float[] Theta, float[] Gamma, float Entropy, long TokenCount);

/// <summary>
/// Streams <c>doc_topics.parquet</c> (and <c>infer --out</c> files): one row per document with
/// <c>doc_key</c> string, <c>topic_id</c> int32 (dominant topic: argmax θ, lowest id on ties),
/// <c>probability</c> float (θ of that topic), <c>theta</c> list&lt;float&gt; (θ = γ / Σγ, the
/// posterior mean of the topic proportions), <c>gamma</c> list&lt;float&gt; (the variational
/// Dirichlet parameter γ), <c>entropy</c> float (−Σ_k θ_k ln θ_k, natural log, 0·ln 0 = 0) and
/// <c>token_count</c> int64, then <c>theta_lower</c> and <c>theta_upper</c> list&lt;float&gt; (an equal-tailed credible
/// interval of every θ_k: under q(θ) = Dir(γ), θ_k ~ Beta(γ_k, Σγ − γ_k); <see cref="BetaDistribution.ThetaIntervals"/>) and
/// <c>credible_level</c> float (the mass the intervals hold, 0.9 by default). Rows are buffered into row groups of <see cref="RowsPerGroup"/> rows (at most
/// <see cref="RowGroupRows"/>, fewer at large K so that a group's four K-wide lists stay near <see cref="ListValuesPerGroup"/>
/// floats each) and written as batches arrive, through buffers allocated once and reused for every group; the file goes to a temporary sibling and is renamed into place by
/// <see cref="CompleteAsync"/> (disposing without completing deletes it).
/// </summary>
internal sealed class DocTopicsWriter : IAsyncDisposable
{
    public const string FileName = "doc_topics.parquet";
    public const int RowGroupRows = 16_384;

    /// <summary>About this many floats per list column (θ, γ, lower, upper) in one row group: 1 MiB each, so the
    /// buffered group and Parquet.Net's encoding of it stay a few MiB at any K (16,384 rows of K = 100 would be 26 MB).</summary>
    public const int ListValuesPerGroup = 1 << 18;

    private static readonly DataField<string> KeyField = new("doc_key", nullable: false);
    private static readonly DataField<int> TopicField = new("topic_id");
    private static readonly DataField<float> ProbabilityField = new("probability");
    private static readonly DataField<float> EntropyField = new("entropy");
    private static readonly DataField<long> TokenCountField = new("token_count");
    private static readonly DataField<float> LevelField = new("credible_level");
    internal static readonly ParquetSchema Schema = new(KeyField, TopicField, ProbabilityField,
        ParquetColumns.FloatList("theta"), ParquetColumns.FloatList("gamma"), EntropyField, TokenCountField,
        ParquetColumns.FloatList("theta_lower"), ParquetColumns.FloatList("theta_upper"), LevelField);

    private readonly string _path;
    private readonly string _temp;
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly DataField _thetaElement = ParquetColumns.ListElement(Schema, "theta");
    private readonly DataField _gammaElement = ParquetColumns.ListElement(Schema, "gamma");
    private readonly DataField _lowerElement = ParquetColumns.ListElement(Schema, "theta_lower");
    private readonly DataField _upperElement = ParquetColumns.ListElement(Schema, "theta_upper");

    // The pending row group: up to RowGroupRows rows.
    private readonly List<string> _keys;
    private readonly int[] _topic;
    private readonly float[] _probability;
    private readonly float[] _entropy;
    private readonly long[] _tokens;
    private readonly float[] _level;
    private readonly float[] _theta;
    private readonly float[] _gamma;
    private readonly float[] _lower;
    private readonly float[] _upper;
    private bool _completed;

    private DocTopicsWriter(string path, string temp, FileStream stream, ParquetWriter writer, int topics, double credibleLevel)
    {
        CredibleLevel = credibleLevel;
        _path = path;
        _temp = temp;
        _stream = stream;
        _writer = writer;
        Topics = topics;
        RowsPerGroup = GroupRows(topics);
        int rows = RowsPerGroup;
        _keys = new List<string>(rows);
        _topic = new int[rows];
        _probability = new float[rows];
        _entropy = new float[rows];
        _tokens = new long[rows];
        _level = new float[rows];
        Array.Fill(_level, (float)credibleLevel);
        _theta = new float[rows * topics];
        _gamma = new float[rows * topics];
        _lower = new float[rows * topics];
        _upper = new float[rows * topics];
    }

    /// <summary>Rows per row group for K = <paramref name="topics"/>: <see cref="ListValuesPerGroup"/> / K, between 1 and
    /// <see cref="RowGroupRows"/>.</summary>
    public static int GroupRows(int topics) => Math.Clamp(ListValuesPerGroup / topics, 1, RowGroupRows);

    /// <summary>Rows per row group of this file (<see cref="GroupRows"/>).</summary>
    public int RowsPerGroup { get; }

    /// <summary>Number of topics K (the length of every θ and γ list).</summary>
    public int Topics { get; }

    /// <summary>The mass every row's θ intervals hold.</summary>
    public double CredibleLevel { get; }

    /// <summary>Rows written so far (including buffered ones).</summary>
    public long Rows { get; private set; }

    /// <summary>Starts writing <paramref name="path"/> (through a temporary sibling) for K = <paramref name="topics"/>, with θ
    /// intervals holding <paramref name="credibleLevel"/> of the posterior mass.</summary>
    public static async Task<DocTopicsWriter> CreateAsync(string path, int topics, CancellationToken cancellationToken = default,
        double credibleLevel = BetaDistribution.DefaultCredibleLevel)
    {
        if (topics <= 0) throw new ArgumentOutOfRangeException(nameof(topics));
        if (!(credibleLevel > 0 && credibleLevel < 1)) throw new TopicEngineException($"the credible level must lie strictly between 0 and 1, not {credibleLevel}");
        string temp = AtomicFile.TemporarySibling(path);
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            var writer = await ParquetWriter.CreateAsync(Schema, stream, ParquetColumns.Options(), cancellationToken: cancellationToken);
            return new DocTopicsWriter(path, temp, stream, writer, topics, credibleLevel);
        }
        catch
        {
            await stream.DisposeAsync();
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Runs the θ pass (<see cref="ThetaPass.Run"/>: the local step of every batch of <paramref name="batches"/> against the
    /// runner's λ) and adds each batch's rows before the next batch is requested, straight from the runner's γ buffer.
    /// Returns the documents and tokens written.
    /// </summary>
    public async Task<(long Documents, long Tokens)> WriteThetaPassAsync(LocalStepRunner runner, IEnumerable<SparseBatch> batches,
        float[] alpha, CancellationToken cancellationToken = default)
    {
        long documents = 0, tokens = 0;
        foreach (var batch in ThetaPass.Run(runner, batches, alpha, cancellationToken))
        {
            await WriteAsync(batch, cancellationToken);
            documents += batch.Keys.Length;
            foreach (var t in batch.TokenCounts) tokens += t;
        }
        return (documents, tokens);
    }

    /// <summary>Adds a batch of the trainer's final local step (<see cref="ThetaPass"/>).</summary>
    public Task WriteAsync(DocumentTopicsBatch batch, CancellationToken cancellationToken = default)
    {
        if (batch.Topics != Topics) throw new ArgumentException($"the batch has K={batch.Topics}, the file K={Topics}.", nameof(batch));
        return WriteAsync(batch.Keys, batch.Gamma, batch.TokenCounts, cancellationToken);
    }

    /// <summary>Adds documents given by key, γ (keys.Count×K, row-major) and token count.</summary>
    public async Task WriteAsync(IReadOnlyList<string> keys, ReadOnlyMemory<float> gamma, ReadOnlyMemory<long> tokenCounts, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        int k = Topics;
        if (gamma.Length != keys.Count * k) throw new ArgumentException($"gamma must hold {keys.Count}×{k} floats.", nameof(gamma));
        if (tokenCounts.Length != keys.Count) throw new ArgumentException("one token count per key.", nameof(tokenCounts));
        for (int d = 0; d < keys.Count; d++)
        {
            int row = _keys.Count;
            AddRow(keys[d], gamma.Span.Slice(d * k, k), tokenCounts.Span[d], row);
            _keys.Add(keys[d]);
            Rows++;
            if (_keys.Count == RowsPerGroup) await FlushAsync(cancellationToken);
        }
    }

    // θ = γ / Σγ; dominant = argmax θ; entropy = −Σ θ ln θ (natural log).
    private void AddRow(string key, ReadOnlySpan<float> gamma, long tokens, int row)
    {
        int k = Topics;
        int invalid = LdaMath.FirstInvalidGamma(gamma);
        if (invalid >= 0)
            throw new TopicEngineException($"{_path}: document '{key}' has gamma[{invalid}] = {gamma[invalid]}; γ must be finite and positive");
        var theta = _theta.AsSpan(row * k, k);
        gamma.CopyTo(_gamma.AsSpan(row * k, k));
        double entropy = LdaMath.TopicProportions(gamma, theta, out int dominant);
        BetaDistribution.ThetaIntervals(gamma, CredibleLevel, _lower.AsSpan(row * k, k), _upper.AsSpan(row * k, k));
        _topic[row] = dominant;
        _probability[row] = theta[dominant];
        _entropy[row] = (float)entropy;
        _tokens[row] = tokens;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        int rows = _keys.Count;
        if (rows == 0) return;
        int k = Topics;
        using (var rowGroup = _writer.CreateRowGroup())
        {
            await rowGroup.WriteAsync(KeyField, _keys, null);
            await rowGroup.WriteAsync<int>(TopicField, _topic.AsMemory(0, rows), cancellationToken: cancellationToken);
            await rowGroup.WriteAsync<float>(ProbabilityField, _probability.AsMemory(0, rows), cancellationToken: cancellationToken);
            await ParquetColumns.WriteFixedListAsync(rowGroup, _thetaElement, _theta.AsMemory(0, rows * k), rows, k, cancellationToken);
            await ParquetColumns.WriteFixedListAsync(rowGroup, _gammaElement, _gamma.AsMemory(0, rows * k), rows, k, cancellationToken);
            await rowGroup.WriteAsync<float>(EntropyField, _entropy.AsMemory(0, rows), cancellationToken: cancellationToken);
            await rowGroup.WriteAsync<long>(TokenCountField, _tokens.AsMemory(0, rows), cancellationToken: cancellationToken);
            await ParquetColumns.WriteFixedListAsync(rowGroup, _lowerElement, _lower.AsMemory(0, rows * k), rows, k, cancellationToken);
            await ParquetColumns.WriteFixedListAsync(rowGroup, _upperElement, _upper.AsMemory(0, rows * k), rows, k, cancellationToken);
            await rowGroup.WriteAsync<float>(LevelField, _level.AsMemory(0, rows), cancellationToken: cancellationToken);
        }
        _keys.Clear();
    }

    /// <summary>Writes the last row group, closes the file and renames it into place.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        await FlushAsync(cancellationToken);
        await _writer.DisposeAsync();
        await _stream.FlushAsync(cancellationToken);
        await _stream.DisposeAsync();
        File.Move(_temp, _path, overwrite: true);
        _completed = true;
    }

    /// <summary>Closes the file; if <see cref="CompleteAsync"/> was not called, the partial file is deleted
    /// and whatever was at the target path before is left as it was.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_completed) return;
        _completed = true;
        try
        {
            await _writer.DisposeAsync();
        }
        catch (Exception)
        {
            // The partial file is discarded below; the failure that led here is what matters.
        }
        await _stream.DisposeAsync();
        try { File.Delete(_temp); } catch (IOException) { }
    }
}
