namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Strings the caller controls (model names, ids, roles), cut to a sane length before they reach a log line, a span
/// tag or an error message: a public URL must not let anyone write megabytes into the proxy's telemetry.
/// </summary>
public static class CallerText
{
    /// <summary>The longest caller string kept whole.</summary>
    public const int MaxLength = 128;

    /// <summary>The longest error message written to a log line (messages quote caller strings, e.g. a role).</summary>
    public const int MaxMessageLength = 512;

    /// <summary><paramref name="value"/>, or its first <see cref="MaxLength"/> characters and an ellipsis.</summary>
    public static string Cap(string? value) => Cap(value, MaxLength);

    /// <summary><paramref name="value"/>, or its first <paramref name="maxLength"/> characters and an ellipsis.</summary>
    public static string Cap(string? value, int maxLength) =>
        value is null ? string.Empty
        : value.Length <= maxLength ? value
        : string.Concat(value.AsSpan(0, maxLength), "…");
}
