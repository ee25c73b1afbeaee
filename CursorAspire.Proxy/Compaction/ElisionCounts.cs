namespace CursorAspire.Proxy.Compaction;

/// <summary>What one compaction took out: tool results and tool-call arguments, each replaced by a marker, by tool.</summary>
internal struct ElisionCounts
{
    /// <summary>Tool results replaced by a marker.</summary>
    public int ToolResults;

    /// <summary>Tool-call arguments replaced by a marker.</summary>
    public int ToolArguments;

    /// <summary>How many items of each tool (results and calls) were elided.</summary>
    public Dictionary<string, int>? ByTool;

    /// <summary>Counts one elided item of <paramref name="tool"/>.</summary>
    public void Add(string tool)
    {
        ByTool ??= new Dictionary<string, int>(StringComparer.Ordinal);
        ByTool[tool] = ByTool.GetValueOrDefault(tool) + 1;
    }

    /// <summary>The tools, most elided first: <c>read_file ×9, edit_file ×3</c>.</summary>
    public readonly string Summary() => ByTool is null
        ? string.Empty
        : string.Join(", ", ByTool.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} ×{t.Value}"));
}
