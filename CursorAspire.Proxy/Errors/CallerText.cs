namespace CursorAspire.Proxy.Errors;

/// <summary>
/// Strings the caller controls (model names, ids, roles), cut to a sane length before they reach a log line, a span
/// tag or an error message: a public URL must not let anyone write megabytes into the proxy's telemetry.
/// </summary>
public static class CallerText
{
    /// <summary>The longest caller string kept whole.</summary>
    public const int MaxLength = 128;

    /// <summary><paramref name="value"/>, or its first <see cref="MaxLength"/> characters and an ellipsis.</summary>
    public static string Cap(string? value) =>
        value is null ? string.Empty
        : value.Length <= MaxLength ? value
        : string.Concat(value.AsSpan(0, MaxLength), "…");
}
