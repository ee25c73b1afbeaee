using System.Globalization;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The context window a local model is served with, the ceiling of the <c>num_ctx</c> the proxy asks Ollama for: a number
/// of tokens, or <c>auto</c>, the model-fit advisor's choice for this machine's GPU.
/// </summary>
/// <param name="Tokens">The window in tokens; null for <c>auto</c>.</param>
/// <param name="Source">The configuration key it was read from, to name in what the dashboard says about it.</param>
public readonly record struct OllamaContextWindow(int? Tokens, string Source)
{
    /// <summary>The value that asks for the advisor's choice.</summary>
    public const string AutoValue = "auto";

    /// <summary>Whether the advisor chooses the window.</summary>
    public bool IsAuto => Tokens is null;

    /// <summary>The advisor's choice, as configured under <paramref name="source"/>.</summary>
    /// <param name="source">The configuration key.</param>
    /// <returns>The window.</returns>
    public static OllamaContextWindow Auto(string source) => new(null, source);

    /// <summary>A window of <paramref name="tokens"/>, as configured under <paramref name="source"/>.</summary>
    /// <param name="tokens">The window in tokens, positive.</param>
    /// <param name="source">The configuration key.</param>
    /// <returns>The window.</returns>
    public static OllamaContextWindow Of(int tokens, string source) =>
        tokens > 0 ? new(tokens, source) : throw new ArgumentOutOfRangeException(nameof(tokens), tokens, "A context window is a positive number of tokens.");

    /// <summary>
    /// Reads a window from configuration: <c>auto</c>, or a positive whole number; null when blank. Anything else fails
    /// with a message naming <paramref name="key"/>.
    /// </summary>
    /// <param name="value">The configured text.</param>
    /// <param name="key">Its configuration key.</param>
    /// <returns>The window, or null when none is configured.</returns>
    public static OllamaContextWindow? Parse(string? value, string key) => value?.Trim() switch
    {
        null or "" => null,
        var v when v.Equals(AutoValue, StringComparison.OrdinalIgnoreCase) => Auto(key),
        var v when int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 => Of(n, key),
        var v => throw new InvalidOperationException($"Configuration '{key}' is '{v}'; expected '{AutoValue}' or a positive whole number of tokens."),
    };

    /// <summary>The window as configured: <c>auto</c>, or the number.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Tokens?.ToString(CultureInfo.InvariantCulture) ?? AutoValue;
}
