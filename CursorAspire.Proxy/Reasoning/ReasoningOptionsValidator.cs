using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>Fails start-up on a <c>Proxy:Reasoning</c> setting reasoning continuity cannot use, naming the key to fix.</summary>
public sealed class ReasoningOptionsValidator : OptionsValidator<ReasoningOptions>
{
    protected override IEnumerable<string?> Problems(ReasoningOptions options) =>
    [
        PositiveTimeSpan(options.Ttl, $"{ReasoningOptions.SectionName}:Ttl", "7.00:00:00"),
        options.MaxBytes > 0 ? null : $"{ReasoningOptions.SectionName}:MaxBytes must be positive.",
    ];
}
