namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// What a request adds to the Chat Completions body beyond what <see cref="ChatOptions"/> can say, handed to
/// <see cref="OpenAIChatCompletionsClient"/> as the options' raw representation (<see cref="ChatOptions.RawRepresentationFactory"/>,
/// M.E.AI's channel for a provider's own request options): the compatibility stage sets it above the point where the
/// request's context is taken off.
/// </summary>
/// <param name="PromptCacheKey">Sent as <c>prompt_cache_key</c>: one agent session's requests land on one prompt cache.</param>
public sealed record OpenAIRequestFields(string? PromptCacheKey);
