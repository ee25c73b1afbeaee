using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Routing;

/// <summary>
/// What Cursor's variant suffixes on a model name ask for (<see cref="CursorModelNames.VariantSuffixes"/>):
/// <c>-thinking</c> turns reasoning on, <c>-minimal</c>…<c>-xhigh</c> set an effort, <c>-fast</c>, <c>-max</c> and
/// <c>-auto</c> (Cursor's own features) change nothing. The name still means the alias in front of the suffixes.
/// </summary>
/// <param name="Suffixes">The suffixes as they were on the name, e.g. <c>-thinking-high</c>.</param>
/// <param name="Effort">The effort a suffix set, if one did.</param>
/// <param name="Thinking">Whether <c>-thinking</c> was among them.</param>
public sealed record ModelVariant(string Suffixes, ReasoningEffort? Effort, bool Thinking)
{
    /// <summary>The most suffixes one name may carry (Cursor appends one; <c>-thinking-high</c> is two).</summary>
    public const int MaxSuffixes = 2;

    /// <summary>
    /// Takes one variant suffix off the end of <paramref name="name"/>: the name in front of it, and this variant with it
    /// added. False when the name does not end with one.
    /// </summary>
    public static bool TryStrip(string name, ModelVariant? variant, out string baseName, out ModelVariant stripped)
    {
        foreach (var suffix in CursorModelNames.VariantSuffixes)
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                baseName = name[..^suffix.Length];
                var effort = ReasoningEffortNames.Parse(suffix[1..].ToLowerInvariant());
                stripped = new ModelVariant(
                    name[^suffix.Length..] + variant?.Suffixes,
                    variant?.Effort ?? effort,
                    variant?.Thinking == true || suffix.Equals("-thinking", StringComparison.OrdinalIgnoreCase));
                return true;
            }
        }
        (baseName, stripped) = (name, variant!);
        return false;
    }
}
