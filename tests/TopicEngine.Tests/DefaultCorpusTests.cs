using TopicEngine.Corpus;

namespace TopicEngine.Tests;

public sealed class DefaultCorpusTests
{
    private const string Xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <doc>
          <assembly><name>System.Toy</name></assembly>
          <members>
            <member name="T:System.Toy.Widget">
              <summary>Represents a widget that renders <see cref="T:System.Toy.Gadget" /> pictures.</summary>
              <remarks>Widgets are cached.</remarks>
            </member>
            <member name="M:System.Toy.Widget.Draw(System.Int32)">
              <summary>Draws the widget on a canvas.</summary>
              <param name="x">Ignored parameter text.</param>
            </member>
            <member name="T:System.Toy.Gadget">
              <summary>A gadget.</summary>
            </member>
            <member name="T:System.Toy.Empty" />
          </members>
        </doc>
        """;

    private static string FakeRoot(TempDirectory dir)
    {
        dir.Write($"dotnet/packs/Microsoft.NETCore.App.Ref/{Environment.Version.Major}.0.1/ref/net{Environment.Version.Major}.0/System.Toy.xml", Xml);
        return dir.File("dotnet");
    }

    [Fact]
    public void EachTypeIsADocumentWithItsSummaryRemarksAndMemberSummaries()
    {
        using var dir = new TempDirectory();
        var corpus = DefaultCorpus.TryLocate([FakeRoot(dir)]);
        Assert.NotNull(corpus);
        var docs = corpus.Read(new ReadReport()).ToList();
        Assert.Equal(["System.Toy.Widget", "System.Toy.Gadget", "System.Toy.Empty"], docs.Select(d => d.Key));
        Assert.Contains("renders", docs[0].Text);
        Assert.Contains("Gadget", docs[0].Text);          // cross reference gives the short name
        Assert.Contains("Widgets are cached", docs[0].Text);
        Assert.Contains("Draws the widget", docs[0].Text); // member summary
        Assert.DoesNotContain("Ignored parameter", docs[0].Text);
        Assert.Equal("", docs[2].Text);
        Assert.Equal(3, corpus.CountTypes());
        Assert.Contains("(3 documents, from ", corpus.Describe());
    }

    [Fact]
    public void NoReferencePackMeansNoCorpus()
    {
        using var dir = new TempDirectory();
        Assert.Null(DefaultCorpus.TryLocate([dir.Path, dir.File("missing")]));
    }

    [Theory]
    [InlineData("M:System.IO.Stream.Read(System.Byte[],System.Int32)", "System.IO.Stream")]
    [InlineData("P:System.Collections.Generic.List`1.Count", "System.Collections.Generic.List`1")]
    [InlineData("M:System.Linq.Enumerable.Select``2(System.Func{``0,``1})", "System.Linq.Enumerable")]
    public void MembersBelongToTheirDeclaringType(string member, string type) =>
        Assert.Equal(type, DefaultCorpus.DeclaringType(member));

    [Fact]
    public void TheSdkThatRunsTheTestsShipsTheDefaultCorpus()
    {
        // The tests run on the .NET SDK, so the reference pack is there; the product falls back to asking for --input.
        var corpus = DefaultCorpus.Locate();
        Assert.True(corpus.Files.Count > 10);
    }
}
