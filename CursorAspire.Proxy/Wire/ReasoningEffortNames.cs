namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Effort names as clients and settings write them (<c>minimal</c>, <c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c>;
/// <c>none</c> from a request), in M.E.AI's terms. M.E.AI has no <c>minimal</c>: it is the lowest effort there is, low.
/// </summary>
public static class ReasoningEffortNames
{
    /// <summary>The names a setting may use (<c>Proxy:Models:&lt;alias&gt;:ReasoningEffort</c>).</summary>
    public static IReadOnlyList<string> Settable { get; } = ["minimal", "low", "medium", "high", "xhigh"];

    /// <summary>The effort of a setting's value (any case), or null for a value that is not one of <see cref="Settable"/>.</summary>
    public static ReasoningEffort? ParseSetting(string? value) =>
        value is not null && Settable.Contains(value, StringComparer.OrdinalIgnoreCase) ? Parse(value.ToLowerInvariant()) : null;

    /// <summary>The effort a request's <paramref name="name"/> names (as the wire writes it, lower case), or null for a name it does not know.</summary>
    public static ReasoningEffort? Parse(string? name) => name switch
    {
        "none" => ReasoningEffort.None,
        "minimal" or "low" => ReasoningEffort.Low,
        "medium" => ReasoningEffort.Medium,
        "high" => ReasoningEffort.High,
        "xhigh" => ReasoningEffort.ExtraHigh,
        _ => null,
    };
}
