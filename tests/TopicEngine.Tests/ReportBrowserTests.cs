using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace TopicEngine.Tests;

/// <summary>A fact that runs only where Chromium is installed (Debian's <c>chromium</c> package), skipped with a message otherwise.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable is null)
            Skip = "chromium is not installed (apt-get install -y chromium): the report's browser test is skipped";
    }
}

/// <summary>Renders report.html in headless Chromium, driven through the DevTools protocol.</summary>
public sealed class ReportBrowserTests(ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task Report_renders_without_console_errors_and_clicking_a_topic_changes_the_term_list()
    {
        using var dir = new TempDirectory();
        string model = await ReportTests.FitModelAsync(dir);
        string html = dir.File("report.html");
        await TopicReport.WriteAsync(model, html, new ReportOptions { Input = CorpusInput.FromPaths([dir.File("docs")]) });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var browser = await HeadlessChromium.StartAsync(dir.File("chromium-profile"), timeout.Token);
        await browser.NavigateAsync(new Uri(html).AbsoluteUri, timeout.Token);

        string termsJs = "Array.from(document.querySelectorAll('#term-list .term-name')).map(e => e.textContent).join(' ')";
        string before = await browser.EvaluateAsync<string>(termsJs, timeout.Token);
        int circles = await browser.EvaluateAsync<int>("document.querySelectorAll('#map circle.topic').length", timeout.Token);
        Assert.Equal(3, circles);
        Assert.False(string.IsNullOrWhiteSpace(before), "the term list is empty");
        string titleBefore = await browser.EvaluateAsync<string>("document.getElementById('terms-title').textContent", timeout.Token);

        // click a topic that is not the selected one, as a user would (a click event on its circle)
        await browser.EvaluateAsync<bool>(
            "(function(){ var c = document.querySelector('#map circle.topic:not(.selected)'); c.dispatchEvent(new MouseEvent('click', {bubbles: true})); return true; })()",
            timeout.Token);
        string after = await browser.EvaluateAsync<string>(termsJs, timeout.Token);
        string titleAfter = await browser.EvaluateAsync<string>("document.getElementById('terms-title').textContent", timeout.Token);
        Assert.NotEqual(titleBefore, titleAfter);
        Assert.NotEqual(before, after);
        // the curve and the example table were drawn too
        Assert.True(await browser.EvaluateAsync<int>("document.querySelectorAll('#curve polyline').length", timeout.Token) >= 1);
        Assert.Equal(5, await browser.EvaluateAsync<int>("document.querySelectorAll('#examples tbody tr').length", timeout.Token));

        byte[] png = await browser.ScreenshotAsync(timeout.Token);
        string screenshot = Path.Combine(Path.GetTempPath(), "topicengine-report-screenshot.png");
        await File.WriteAllBytesAsync(screenshot, png, timeout.Token);
        output.WriteLine($"screenshot: {screenshot} ({png.Length:N0} bytes); terms before: {before}; after: {after}");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        Assert.True(png.Length > 10_000, $"the screenshot is only {png.Length} bytes");

        Assert.True(browser.Errors.IsEmpty, "console errors: " + string.Join(" | ", browser.Errors));

        // the collector itself hears a console error (so the assertion above can fail)
        await browser.EvaluateAsync<bool>("(function(){ console.error('probe'); return true; })()", timeout.Token);
        for (int i = 0; i < 50 && browser.Errors.IsEmpty; i++) await Task.Delay(20, timeout.Token);
        Assert.Contains(browser.Errors, e => e.Contains("probe", StringComparison.Ordinal));
    }
}

/// <summary>
/// Headless Chromium with a DevTools-protocol connection to its page: navigate, evaluate, screenshot; console errors,
/// uncaught exceptions and error log entries are collected in <see cref="Errors"/>.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiver;
    private int _nextId;

    private HeadlessChromium(Process process) => _process = process;

    public static string? Executable { get; } = Find();

    public ConcurrentQueue<string> Errors { get; } = new();

    private static string? Find()
    {
        foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
            foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                string path = Path.Combine(folder, name);
                if (File.Exists(path)) return path;
            }
        return null;
    }

    public static async Task<HeadlessChromium> StartAsync(string profile, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Executable!)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--hide-scrollbars", "--window-size=1200,1600", "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var browser = new HeadlessChromium(process);
        try
        {
            // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr
            string? line;
            int port = 0;
            while (port == 0 && (line = await process.StandardError.ReadLineAsync(cancellationToken)) is not null)
                if (line.StartsWith("DevTools listening on ", StringComparison.Ordinal))
                    port = new Uri(line["DevTools listening on ".Length..].Trim()).Port;
            if (port == 0) throw new InvalidOperationException("chromium did not print its DevTools address");
            _ = process.StandardError.ReadToEndAsync(CancellationToken.None);   // keep draining
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", cancellationToken))!.AsArray();
            string page = targets.First(t => (string?)t!["type"] == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
            await browser._socket.ConnectAsync(new Uri(page), cancellationToken);
            browser._receiver = Task.Run(browser.ReceiveLoopAsync);
            await browser.SendAsync("Runtime.enable", null, cancellationToken);
            await browser.SendAsync("Log.enable", null, cancellationToken);
            await browser.SendAsync("Page.enable", null, cancellationToken);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    public async Task NavigateAsync(string url, CancellationToken cancellationToken)
    {
        _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url }, cancellationToken);
        await _loaded.Task.WaitAsync(cancellationToken);
    }

    public async Task<T> EvaluateAsync<T>(string expression, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true }, cancellationToken);
        if (result["exceptionDetails"] is { } exception) throw new InvalidOperationException($"{expression}: {exception.ToJsonString()}");
        return result["result"]!["value"]!.GetValue<T>();
    }

    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true }, cancellationToken);
        return Convert.FromBase64String(result["data"]!.GetValue<string>());
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        int id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
        return await reply.Task.WaitAsync(cancellationToken);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!;
                message.SetLength(0);
                if (node["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var reply))
                {
                    if (node["error"] is { } error) reply.TrySetException(new InvalidOperationException(error.ToJsonString()));
                    else reply.TrySetResult(node["result"] ?? new JsonObject());
                    continue;
                }
                switch ((string?)node["method"])
                {
                    case "Page.loadEventFired":
                        _loaded.TrySetResult();
                        break;
                    case "Runtime.consoleAPICalled" when (string?)node["params"]!["type"] is "error" or "assert":
                        Errors.Enqueue("console: " + node["params"]!["args"]!.ToJsonString());
                        break;
                    case "Runtime.exceptionThrown":
                        Errors.Enqueue("exception: " + node["params"]!["exceptionDetails"]!.ToJsonString());
                        break;
                    case "Log.entryAdded" when (string?)node["params"]!["entry"]!["level"] == "error":
                        Errors.Enqueue("log: " + node["params"]!["entry"]!["text"]);
                        break;
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (WebSocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { _socket.Abort(); } catch (ObjectDisposedException) { }
        if (_receiver is not null) await _receiver.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _stop.Dispose();
    }
}
