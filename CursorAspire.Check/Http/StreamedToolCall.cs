using System.Text;

namespace CursorAspire.Check.Http;

/// <summary>One tool call put together from a stream's <c>delta.tool_calls</c> fragments.</summary>
/// <param name="Index">Its <c>index</c>.</param>
internal sealed record StreamedToolCall(int Index)
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public StringBuilder Arguments { get; } = new();
}
