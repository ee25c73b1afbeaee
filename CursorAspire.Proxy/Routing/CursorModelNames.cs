namespace CursorAspire.Proxy.Routing;

/// <summary>
/// Names Cursor treats specially: built-in models may bypass the base-URL override, and <c>claude-</c>/<c>gemini-</c>
/// names make Cursor pick another provider. Aliases the proxy serves should avoid them.
/// </summary>
public static class CursorModelNames
{
    private static readonly string[] ReservedPrefixes = ["claude-", "gemini-", "gpt-", "o1", "o3", "o4", "cursor-", "grok-", "deepseek-", "kimi-"];

    public static bool Collides(string alias) =>
        ReservedPrefixes.Any(prefix => alias.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
