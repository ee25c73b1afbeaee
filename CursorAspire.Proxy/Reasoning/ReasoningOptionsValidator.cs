using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>Fails start-up on a <c>Proxy:Reasoning</c> setting reasoning continuity cannot use, naming the key to fix.</summary>
public sealed class ReasoningOptionsValidator : OptionsValidator<ReasoningOptions>
{
    protected override IEnumerable<string> Problems(ReasoningOptions options)
    {
        if (options.Ttl <= TimeSpan.Zero)
        {
            yield return $"{ReasoningOptions.SectionName}:Ttl must be a positive time span, e.g. 7.00:00:00.";
        }
        if (options.MaxBytes <= 0)
        {
            yield return $"{ReasoningOptions.SectionName}:MaxBytes must be positive.";
        }
    }
}
