namespace CursorAspire.Proxy.Conversations;

/// <summary>Registers stored conversations of the Responses API (<c>store</c>, <c>previous_response_id</c>).</summary>
public static class ConversationsServiceCollectionExtensions
{
    /// <remarks>They live in the proxy's <c>IDistributedCache</c> (Storage), with <c>Proxy:Conversations:Ttl</c>.</remarks>
    public static IServiceCollection AddConversations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConversationOptions>()
            .Bind(configuration.GetSection(ConversationOptions.SectionName))
            .Validate(o => o.Ttl > TimeSpan.Zero, $"{ConversationOptions.SectionName}:Ttl must be a positive time span, e.g. 7.00:00:00.")
            .Validate(o => o.MaxBytes > 0, $"{ConversationOptions.SectionName}:MaxBytes must be positive (bytes), e.g. 67108864.")
            .ValidateOnStart();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<ConversationContinuation>();
        services.AddSingleton<ResponseSaving>();
        return services;
    }
}
