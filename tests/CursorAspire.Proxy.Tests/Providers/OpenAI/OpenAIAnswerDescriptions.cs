using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>An update or a response as text, everything M.E.AI's client and the proxy's reader must agree on, for comparing them.</summary>
internal static class OpenAIAnswerDescriptions
{
    /// <summary>Everything an update carries but its id (random per answer) and its raw representation.</summary>
    public static string Describe(ChatResponseUpdate update) =>
        $"{update.Role}|{update.FinishReason}|{update.ModelId}|{update.CreatedAt:o}|{update.ResponseId is null}|{update.MessageId == update.ResponseId}|"
        + $"{update.ConversationId}|{update.AuthorName}|{Properties(update.AdditionalProperties)}|{Contents(update.Contents)}";

    /// <summary>Everything a response carries but its id, its one message first.</summary>
    public static string Describe(ChatResponse response) =>
        $"{Describe(response.Messages.Single(), response.ResponseId)}|{response.FinishReason}|{response.ModelId}|{response.CreatedAt:o}|"
        + $"{response.ConversationId}|{Properties(response.AdditionalProperties)}|{Usage(response.Usage)}";

    private static string Describe(Microsoft.Extensions.AI.ChatMessage message, string? responseId) =>
        $"{message.Role}|{message.CreatedAt:o}|{message.MessageId == responseId}|{message.AuthorName}|{Contents(message.Contents)}";

    private static string Properties(AdditionalPropertiesDictionary? properties) =>
        properties is null ? "-" : string.Join(",", properties.Select(p => $"{p.Key}={p.Value}"));

    private static string Usage(UsageDetails? usage) => usage is null ? "-"
        : $"{usage.InputTokenCount}/{usage.OutputTokenCount}/{usage.TotalTokenCount}/cached {usage.CachedInputTokenCount}/reasoning {usage.ReasoningTokenCount}/"
          + (usage.AdditionalCounts is null ? "-" : string.Join(",", usage.AdditionalCounts.Select(p => $"{p.Key}={p.Value}")));

    private static string Contents(IEnumerable<AIContent> contents) => string.Join(";", contents.Select(c => c switch
    {
        TextContent text => $"text:{text.Text}|{Properties(text.AdditionalProperties)}",
        TextReasoningContent reasoning => $"reasoning:{reasoning.Text}",
        FunctionCallContent call => $"call:{call.CallId}:{call.Name}:{(call.Arguments is null ? "null" : JsonSerializer.Serialize(call.Arguments))}:{call.Exception?.GetType().Name}:{call.Exception?.Message}:{call.Exception?.InnerException is JsonException}",
        UsageContent usage => $"usage:{Usage(usage.Details)}",
        ErrorContent error => $"error:{error.Message}:{error.ErrorCode}",
        _ => c.GetType().Name,
    }));
}
