using System.Globalization;

namespace CursorAspire.AppHost.Ollama.Fit;

/// <summary>Sizes, windows and shares as the dashboard says them.</summary>
internal static class FitText
{
    /// <summary>Bytes in decimal gigabytes, as <c>ollama list</c> and <c>ollama ps</c> print them: <c>4.7 GB</c>.</summary>
    public static string Bytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.0} GB");

    /// <summary>A window: <c>32K</c> when a whole number of 1,024s, else <c>12,000 tokens</c>.</summary>
    public static string Window(int tokens) => tokens % 1024 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{tokens / 1024}K")
        : string.Create(CultureInfo.InvariantCulture, $"{tokens:N0}-token");

    /// <summary>A window with its article, as said aloud: <c>a 32K window</c>, <c>an 8K window</c>, <c>an 11K window</c>.</summary>
    public static string AWindow(int tokens)
    {
        var text = Window(tokens);
        var an = text[0] == '8' || text.StartsWith("11", StringComparison.Ordinal) && !char.IsDigit(text[2]) || text.StartsWith("18", StringComparison.Ordinal) && !char.IsDigit(text[2]);
        return $"{(an ? "an" : "a")} {text} window";
    }

    /// <summary>A share as a whole percentage, rounded up so any spill shows: <c>40 %</c>.</summary>
    public static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(share * 100):0} %");

    /// <summary>What to do about a spill: a smaller model, or the largest window that fits when it is a useful one.</summary>
    public static string Remedy(int? largestGpuWindow) => largestGpuWindow is { } window && window >= OllamaModelFitAdvisor.SmallestUsefulWindow
        ? $"use a smaller model or {AWindow(window)}"
        : "use a smaller model";
}
