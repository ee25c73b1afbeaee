using System.Text;

namespace CursorAspire.Proxy.Wire.Responses;

/// <summary>One item of a response's <c>output</c>, built up while the answer streams.</summary>
internal sealed class ResponseOutputItem(ResponseOutputItemKind kind, string id, int outputIndex)
{
    public ResponseOutputItemKind Kind { get; } = kind;
    public string Id { get; } = id;
    public int OutputIndex { get; } = outputIndex;

    /// <summary>Message or reasoning text so far.</summary>
    public StringBuilder Text { get; } = new();

    public string? CallId { get; init; }
    public string? Name { get; init; }

    /// <summary>Function arguments (JSON text) or a custom tool's raw input.</summary>
    public string? Arguments { get; init; }

    /// <summary>Whether the item's <c>output_item.done</c> was sent.</summary>
    public bool Done { get; set; }
}
