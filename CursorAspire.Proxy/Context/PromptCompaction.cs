using System.Globalization;

namespace CursorAspire.Proxy.Context;

/// <summary>
/// What compaction elided from one request's prompt so that it fits its model's context window (<c>Compaction/</c>):
/// reported as the response's <c>x-cursoraspire-compacted</c> header, a log line and tags of the request's span.
/// </summary>
/// <param name="Boundary">How many of the conversation's messages lie before the elision boundary (the oldest ones).</param>
/// <param name="ToolResults">Tool results replaced by a marker.</param>
/// <param name="ToolArguments">Tool-call arguments replaced by a marker.</param>
/// <param name="ElidedTokens">About how many prompt tokens the markers saved.</param>
/// <param name="PromptTokens">The prompt's estimate once compacted.</param>
/// <param name="Window">The context window it was compacted for, in tokens.</param>
/// <param name="Tools">Whose output was elided, most first: <c>read_file ×9, edit_file ×3</c>.</param>
public sealed record PromptCompaction(int Boundary, int ToolResults, int ToolArguments, long ElidedTokens, long PromptTokens, int Window, string Tools = "")
{
    /// <summary>The response header that says a prompt was compacted.</summary>
    public const string HeaderName = "x-cursoraspire-compacted";

    /// <summary>The header's value, e.g. <c>tool-results=12; tool-arguments=3; elided-tokens=9120; boundary=41</c>.</summary>
    public string HeaderValue => string.Create(CultureInfo.InvariantCulture,
        $"tool-results={ToolResults}; tool-arguments={ToolArguments}; elided-tokens={ElidedTokens}; boundary={Boundary}");
}
