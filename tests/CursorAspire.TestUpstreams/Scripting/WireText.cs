using System.Security.Cryptography;

namespace CursorAspire.TestUpstreams;

/// <summary>Small pieces of wire text the SSE stand-ins (OpenAI, Anthropic) produce the same way.</summary>
internal static class WireText
{
    /// <summary>Splits arguments into up to four fragments, the way a model emits them a few tokens at a time.</summary>
    public static IEnumerable<string> Fragments(string arguments)
    {
        if (arguments.Length == 0)
        {
            yield break;
        }

        var size = Math.Max(1, (arguments.Length + 3) / 4);
        for (var i = 0; i < arguments.Length; i += size)
        {
            yield return arguments.Substring(i, Math.Min(size, arguments.Length - i));
        }
    }

    /// <summary>A random alphanumeric id body, as upstreams put after their prefixes (<c>call_</c>, <c>msg_</c>…).</summary>
    public static string RandomId(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}
