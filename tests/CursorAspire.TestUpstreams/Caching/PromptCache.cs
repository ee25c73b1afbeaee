using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CursorAspire.TestUpstreams;

/// <summary>
/// A provider's prompt cache as the real APIs bill it, for the stand-ins: a prefix is cached once a request wrote it,
/// and a later request starting with the same prefix reads it. Tokens are counted as four characters each, the
/// stand-ins' rule everywhere.
/// </summary>
/// <remarks>
/// OpenAI (and DeepSeek) cache automatically from 1,024 tokens on, in 128-token steps, routed by
/// <c>prompt_cache_key</c>; Anthropic caches only up to blocks marked <c>cache_control</c>, from 1,024 tokens on.
/// </remarks>
public sealed class PromptCache
{
    /// <summary>The shortest prefix either API caches.</summary>
    public const int MinimumTokens = 1024;

    private readonly ConcurrentDictionary<string, ConcurrentBag<string>> _texts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _prefixes = new(StringComparer.Ordinal);

    public static long Tokens(string text) => text.Length / 4;

    /// <summary>
    /// OpenAI's automatic cache: the cached part of <paramref name="prompt"/> (the longest prefix shared with an earlier
    /// prompt of the same <paramref name="cacheKey"/>, from 1,024 tokens on, in 128-token steps); then remembers it.
    /// Without a key, requests are spread over machines, so nothing is found.
    /// </summary>
    public long ReadAutomatic(string? cacheKey, string prompt)
    {
        if (cacheKey is null)
        {
            return 0;
        }
        var earlier = _texts.GetOrAdd(cacheKey, _ => []);
        var shared = earlier.Select(text => (long)CommonPrefixLength(text, prompt)).DefaultIfEmpty(0).Max();
        earlier.Add(prompt);
        var tokens = shared / 4;
        return tokens < MinimumTokens ? 0 : tokens / 128 * 128;
    }

    /// <summary>
    /// Anthropic's cache for a request whose breakpoints end the given prefixes (in order): the longest already cached
    /// is read; the rest up to the last breakpoint is written. Returns (read, written) tokens.
    /// </summary>
    public (long Read, long Written) ReadAtBreakpoints(IReadOnlyList<string> prefixes)
    {
        long read = 0;
        foreach (var prefix in prefixes)
        {
            if (Tokens(prefix) >= MinimumTokens && _prefixes.ContainsKey(Hash(prefix)))
            {
                read = Math.Max(read, Tokens(prefix));
            }
        }
        long written = 0;
        foreach (var prefix in prefixes)
        {
            if (Tokens(prefix) >= MinimumTokens && _prefixes.TryAdd(Hash(prefix), 0))
            {
                written = Math.Max(written, Tokens(prefix) - read);
            }
        }
        return (read, written);
    }

    private static int CommonPrefixLength(string a, string b) => a.AsSpan().CommonPrefixLength(b);

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
