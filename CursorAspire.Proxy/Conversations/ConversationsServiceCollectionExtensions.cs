using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Conversations;

/// <summary>Registers stored conversations of the Responses API (<c>store</c>, <c>previous_response_id</c>).</summary>
public static class ConversationsServiceCollectionExtensions
{
    /// <remarks>They live in the proxy's <c>IDistributedCache</c> (Storage), with <c>Proxy:Conversations:Ttl</c>.</remarks>
    public static IServiceCollection AddConversations(this IServiceCollection services, IConfiguration configuration) => services
        .AddValidatedOptions<ConversationOptions, ConversationOptionsValidator>(configuration.GetSection(ConversationOptions.SectionName)).Services
        .AddSingleton<ConversationStore>().AddSingleton<ConversationContinuation>().AddSingleton<ResponseSaving>();
}
