using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Conversations;

/// <summary>Fails start-up on a <c>Proxy:Conversations</c> setting stored conversations cannot use, naming the key to fix.</summary>
public sealed class ConversationOptionsValidator : OptionsValidator<ConversationOptions>
{
    protected override IEnumerable<string?> Problems(ConversationOptions options) =>
    [
        PositiveTimeSpan(options.Ttl, $"{ConversationOptions.SectionName}:Ttl", "7.00:00:00"),
        options.MaxBytes > 0 ? null : $"{ConversationOptions.SectionName}:MaxBytes must be positive (bytes), e.g. 67108864.",
    ];
}
