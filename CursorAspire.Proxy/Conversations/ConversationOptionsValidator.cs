using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Conversations;

/// <summary>Fails start-up on a <c>Proxy:Conversations</c> setting stored conversations cannot use, naming the key to fix.</summary>
public sealed class ConversationOptionsValidator : OptionsValidator<ConversationOptions>
{
    protected override IEnumerable<string> Problems(ConversationOptions options)
    {
        if (options.Ttl <= TimeSpan.Zero)
        {
            yield return $"{ConversationOptions.SectionName}:Ttl must be a positive time span, e.g. 7.00:00:00.";
        }
        if (options.MaxBytes <= 0)
        {
            yield return $"{ConversationOptions.SectionName}:MaxBytes must be positive (bytes), e.g. 67108864.";
        }
    }
}
