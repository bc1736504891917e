using BenchmarkDotNet.Attributes;
using TopicEngine.Backends;
using TopicEngine.Inference;
using TopicEngine.Model;
using TopicEngine.Synthetic;
using TopicEngine.Text;

namespace TopicEngine.Benchmarks;

/// <summary>
/// The public API's <see cref="TopicModel.Infer(string)"/> for one 300-word document on a loaded K = 100 model,
/// on the CPU (the indexing-job path; the target is a median under 1 ms). The model is fitted once in the setup
/// (one online pass of SVI over 3,000 synthetic LDA documents, V = 10,000, words named "zq…" so the analyzer keeps
/// them), saved, and loaded with <see cref="TopicModel.Load"/>; the document is drawn from the same generative
/// process (not a training document). Run:
/// <c>dotnet run -c Release --project benchmarks/TopicEngine.Benchmarks -- --filter '*Inference*'</c>.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
[MedianColumn]
public class InferenceBenchmarks
{
    private const int Topics = 100;
    private const int Vocabulary = 10_000;
    private const int Words = 300;
    private string _directory = "";
    private TopicModel? _model;
    private string _text = "";
    private TextAnalyzer? _analyzer;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "topicengine-bench-" + Guid.NewGuid().ToString("N"));
        var options = new SyntheticLdaOptions { Documents = 3_000, VocabularySize = Vocabulary, Topics = Topics, DocumentLength = 150, Seed = 7 };
        var corpus = new SyntheticLda(options);
        var vocabulary = new Vocabulary();
        for (int w = 0; w < Vocabulary; w++) vocabulary.Add(Word(w));
        var training = new TrainingOptions { Topics = Topics, Passes = 1, HoldoutFraction = 0, Seed = 7 };
        FitJob.RunAsync(new FitRequest(corpus, vocabulary, new AnalyzerSettings(), training, k => new CpuBackend(k), _directory))
            .GetAwaiter().GetResult();
        _model = TopicModel.Load(_directory);
        _analyzer = new TextAnalyzer(_model.Analyzer);

        // A new document from the same β: the first one of length ≥ 300 drawn with mean length 320, cut to 300 words.
        var fresh = new SyntheticLda(options with { Documents = 50, DocumentLength = 320, Seed = 7 });
        var batch = fresh.ReadBatches(50).Single();
        for (int d = 0; d < batch.DocumentCount; d++)
        {
            if (batch.DocumentCounts(d).ToArray().Sum() < Words) continue;
            var words = new List<string>();
            var ids = batch.DocumentTerms(d);
            var counts = batch.DocumentCounts(d);
            for (int i = 0; i < ids.Length; i++)
                for (int c = 0; c < counts[i]; c++) words.Add(Word(ids[i]));
            var random = new Random(1);
            _text = string.Join(' ', words.OrderBy(_ => random.Next()).Take(Words));
            break;
        }
        if (_model.Infer(_text).TokenCount != Words) throw new InvalidOperationException("the benchmark document must have 300 known words");
    }

    /// <summary>Term id → a word of letters that the default analyzer keeps as it is ("zqa", "zqb", …).</summary>
    private static string Word(int id)
    {
        var letters = new System.Text.StringBuilder("zq");
        do { letters.Append((char)('a' + id % 26)); id /= 26; } while (id > 0);
        return letters.ToString();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model?.Dispose();
        _analyzer?.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>The whole call: analysis, vocabulary look-up, local step, θ/entropy.</summary>
    [Benchmark(Baseline = true)]
    public TopicMixture Infer300Words() => _model!.Infer(_text);

    /// <summary>The Lucene analysis alone (tokenise, lower-case, stop words), to show where the time goes.</summary>
    [Benchmark]
    public int Analyze300Words() => _analyzer!.Terms(_text).Count;
}
