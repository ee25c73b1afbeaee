namespace CursorAspire.Proxy.Compaction;

/// <summary>What one compaction took out: tool results and tool-call arguments, each replaced by a marker.</summary>
internal struct ElisionCounts
{
    /// <summary>Tool results replaced by a marker.</summary>
    public int ToolResults;

    /// <summary>Tool-call arguments replaced by a marker.</summary>
    public int ToolArguments;
}
