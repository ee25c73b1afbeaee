using System.Globalization;
using CursorAspire.Proxy.Tokens;

namespace CursorAspire.Proxy.Compaction;

/// <summary>
/// The one-line text that stands where compaction took something out: what was there and how big it was. Made only from
/// the elided item itself, so the same item gives the same bytes in every later request of the conversation.
/// </summary>
public static class ElisionMarkers
{
    /// <summary>How every marker starts, for the model and for tests.</summary>
    public const string Prefix = "[elided by CursorAspire to fit the model's context window: ";

    /// <summary>The marker in place of a tool's result, e.g. <c>the read_file result, 12,345 characters (about 3,087 tokens)</c>.</summary>
    /// <param name="toolName">The tool whose result it was (found through its call id), or null when unknown.</param>
    /// <param name="characters">The result's text length.</param>
    /// <param name="images">The images it carried (an Anthropic-shaped <c>tool_result</c> with a screenshot).</param>
    /// <param name="tokens">About how many prompt tokens it took.</param>
    public static string ToolResult(string? toolName, long characters, int images, long tokens) => string.Create(CultureInfo.InvariantCulture,
        $"{Prefix}the {toolName ?? "tool"} result, {characters:N0} characters{(images switch { 0 => "", 1 => " and an image", _ => $" and {images} images" })} (about {tokens:N0} tokens); call the tool again if it is needed]");

    /// <summary>The marker in place of one argument of a tool call, e.g. <c>8,123 characters (about 2,031 tokens)</c>.</summary>
    /// <param name="characters">The argument's length as text.</param>
    public static string ToolArgument(long characters) => string.Create(CultureInfo.InvariantCulture,
        $"{Prefix}{characters:N0} characters (about {TokenEstimator.FromCharacters(characters):N0} tokens)]");
}
