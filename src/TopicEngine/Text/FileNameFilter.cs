using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace TopicEngine.Text;

/// <summary>
/// Drops file names: a token <c>name.ext</c> whose extension is a common file type (<c>os.html</c>, <c>setup.py</c>,
/// <c>logo.png</c>). Word segmentation keeps such names whole (a dot between letters does not split), and in exported
/// documentation they are link targets and file listings, not words. Runs after lower-casing.
/// </summary>
internal sealed class FileNameFilter : FilteringTokenFilter
{
    /// <summary>Extensions that mark a token as a file name (lower case, without the dot).</summary>
    internal static readonly CharArraySet Extensions = new(AnalysisChain.Version,
    [
        "html", "htm", "xhtml", "shtml", "php", "asp", "aspx", "jsp", "css", "js", "mjs", "ts", "tsx", "jsx", "json", "xml",
        "yaml", "yml", "toml", "ini", "cfg", "conf", "txt", "md", "rst", "tex", "pdf", "doc", "docx", "xls", "xlsx", "ppt",
        "pptx", "odt", "csv", "tsv", "png", "jpg", "jpeg", "gif", "svg", "bmp", "ico", "webp", "tif", "tiff", "mp3", "mp4",
        "wav", "avi", "mov", "zip", "gz", "tgz", "bz2", "xz", "tar", "rar", "jar", "exe", "dll", "so", "dylib", "bin", "py",
        "pyc", "pyi", "ipynb", "rb", "pl", "pm", "sh", "bash", "bat", "ps1", "c", "h", "cc", "cpp", "cxx", "hpp", "cs",
        "csproj", "sln", "java", "class", "kt", "go", "rs", "swift", "scala", "lua", "sql", "db", "log", "lock", "patch",
        "diff", "eml", "mbox", "msg", "ics", "vcf", "rss", "atom", "woff", "woff2", "ttf", "otf", "map", "wasm", "nupkg",
    ], ignoreCase: false);

    private readonly ICharTermAttribute _term;

    public FileNameFilter(LuceneVersion version, TokenStream input) : base(version, input) => _term = AddAttribute<ICharTermAttribute>();

    protected override bool Accept()
    {
        var term = _term.Buffer.AsSpan(0, _term.Length);
        int dot = term.LastIndexOf('.');
        if (dot <= 0 || dot == term.Length - 1) return true;
        return !Extensions.Contains(_term.Buffer, dot + 1, _term.Length - dot - 1);
    }
}
