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
            .ValidateOnStart();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<ConversationContinuation>();
        return services;
    }
}
