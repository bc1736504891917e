using CsCheck;
using Xunit.Abstractions;

namespace TopicEngine.Tests;

/// <summary>
/// Runs fuzz cases: each one must finish within <see cref="Timeout"/> and either succeed or end in a
/// <see cref="TopicEngineException"/>; any other exception type escaping is a failure naming the case. Counts the cases
/// per target for the test output. <c>TOPICENGINE_FUZZ_SCALE</c> (default 1) multiplies the iterations, for soak runs
/// (tests/soak.sh); <c>TOPICENGINE_FUZZ_SEED</c> makes CsCheck replay one seed.
/// </summary>
internal static class FuzzCase
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static int Scale => int.TryParse(Environment.GetEnvironmentVariable("TOPICENGINE_FUZZ_SCALE"), out int s) && s > 0 ? s : 1;

    public static string? Seed => Environment.GetEnvironmentVariable("TOPICENGINE_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    // Errors that ended a case in a TopicEngineException since the process started (the fuzz tests run one class at a time).
    private static long _errors;

    /// <summary>Runs <paramref name="action"/> on another thread with the per-case timeout; returns the exception it ended in, if any.</summary>
    public static Exception? Run(string target, Action action)
    {
        Exception? error = null;
        var task = Task.Factory.StartNew(() =>
        {
            try { action(); }
            catch (Exception e) { error = e; }
        }, TaskCreationOptions.LongRunning);
        if (!task.Wait(Timeout)) throw new HangException($"{target}: a case did not finish within {Timeout.TotalSeconds} s (hang)");
        if (error is Xunit.Sdk.XunitException) throw error;
        if (error is not null and not TopicEngineException)
            throw new Xunit.Sdk.XunitException($"{target}: {error.GetType().Name} escaped instead of a TopicEngineException: {error}");
        if (error is TopicEngineException { Message: var message } && (message.Length == 0 || message.Contains('\n')))
            throw new Xunit.Sdk.XunitException($"{target}: the error is not one clear line: '{message}'");
        if (error is not null) Interlocked.Increment(ref _errors);
        return error;
    }

    /// <summary>Samples <paramref name="gen"/> <paramref name="iterations"/> × <see cref="Scale"/> times on one thread, running each case
    /// through <paramref name="check"/>; prints the number of cases and fails with the first few failing inputs. Failures are
    /// collected rather than thrown into CsCheck: its shrinking would re-run a hanging case many times over. A case that
    /// does not finish within <see cref="Timeout"/> fails the test like any other (the Parquet.Net hang once tolerated here
    /// is fixed by ParquetGuard).</summary>
    public static int Sample<T>(ITestOutputHelper output, string target, Gen<T> gen, int iterations, Action<T> check)
    {
        int cases = 0;
        long errorsBefore = Interlocked.Read(ref _errors);
        var failures = new List<string>();
        gen.Sample(value =>
        {
            cases++;
            if (failures.Count >= 3) return;
            try { Run(target, () => check(value)); }
            catch (Xunit.Sdk.XunitException e) { failures.Add($"{e.Message}\n  input: {Describe(value)}"); }
        }, seed: Seed, iter: (long)iterations * Scale, threads: 1);
        long errors = Interlocked.Read(ref _errors) - errorsBefore;
        output.WriteLine($"fuzz {target}: {cases} cases, {errors} reads ended in a TopicEngineException");
        Assert.True(failures.Count == 0, $"fuzz {target}: {failures.Count}+ failing cases of {cases}:\n{string.Join("\n", failures)}");
        return cases;
    }

    private static string Describe<T>(T value) => value switch
    {
        byte[] bytes => Bytes(bytes),
        System.Runtime.CompilerServices.ITuple tuple => string.Join(", ", Enumerable.Range(0, tuple.Length).Select(i => tuple[i] is byte[] b ? Bytes(b) : tuple[i]?.ToString())),
        _ => value?.ToString() ?? "null",
    };

    private static string Bytes(byte[] bytes) =>
        $"{bytes.Length} bytes: {System.Text.Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 160)).ReplaceLineEndings("\\n")}";
}

/// <summary>A fuzz case that did not finish within <see cref="FuzzCase.Timeout"/>.</summary>
internal sealed class HangException(string message) : Xunit.Sdk.XunitException(message);

/// <summary>Generators of damaged bytes from a valid example.</summary>
internal static class Damage
{
    /// <summary>Byte sequences that are not UTF-8: a lone continuation byte, a truncated sequence, an overlong '/', a surrogate, 0xFF.</summary>
    public static readonly byte[][] InvalidUtf8 = [[0x80], [0xC3], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80]];

    /// <summary>Random bytes, or <paramref name="valid"/> truncated, with bytes replaced or inserted, with invalid UTF-8, or with a chunk repeated.</summary>
    public static Gen<byte[]> Of(byte[] valid) => Gen.Frequency(
        (2, Gen.Byte.Array[0, 2048]),
        (3, Gen.Int[0, valid.Length].Select(n => valid[..n])),
        (3, Gen.Select(Gen.Int[0, Math.Max(0, valid.Length - 1)].Array[1, 16], Gen.Byte.Array[16], (positions, values) => Replace(valid, positions, values))),
        (2, Gen.Select(Gen.Int[0, valid.Length], Gen.Byte.Array[1, 64], (at, bytes) => Insert(valid, at, bytes))),
        (2, Gen.Select(Gen.Int[0, valid.Length], Gen.Int[0, InvalidUtf8.Length - 1], (at, which) => Insert(valid, at, InvalidUtf8[which]))),
        (1, Gen.Select(Gen.Int[0, valid.Length], Gen.Int[1, 512], (at, length) => Repeat(valid, at, length))));

    private static byte[] Replace(byte[] valid, int[] positions, byte[] values)
    {
        var copy = (byte[])valid.Clone();
        for (int i = 0; i < positions.Length && copy.Length > 0; i++) copy[positions[i] % copy.Length] = values[i];
        return copy;
    }

    private static byte[] Insert(byte[] valid, int at, byte[] bytes) => [.. valid[..at], .. bytes, .. valid[at..]];

    private static byte[] Repeat(byte[] valid, int at, int length) => [.. valid[..Math.Min(valid.Length, at + length)], .. valid[at..]];
}
