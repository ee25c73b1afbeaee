using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// What the response cache may read and what it may keep: a request bypasses the cache when it is off (everywhere, or
/// for the route or model), has no scope (no partition), says <c>no-cache</c> and <c>no-store</c> at once, continues a
/// background response, or samples (a temperature above zero, or none unless
/// <see cref="ResponseCacheOptions.CacheUnspecifiedTemperature"/>), unless
/// <see cref="ResponseCacheOptions.CacheNonDeterministic"/>. Only complete answers are kept: a finish reason, no tool
/// call whose arguments did not parse, no error content, not cancelled, and not over
/// <see cref="ResponseCacheOptions.MaxEntryBytes"/>.
/// </summary>
/// <remarks>Each "why not" is a short reason: the bypass reason is a metric tag, the others go to the debug log.</remarks>
internal sealed class ResponseCachePolicy(ResponseCacheOptions settings, bool enabledForRoute)
{
    /// <summary>Why <paramref name="scope"/>'s request must not consult the cache, or null when it may.</summary>
    public string? BypassReason(ResponseCacheScope? scope, ChatOptions? options)
    {
        if (!settings.Enabled)
        {
            return "disabled";
        }

        if (!enabledForRoute || scope is { ModelAllowsCaching: false })
        {
            return "model_disabled";
        }

        if (scope is null)
        {
            // Without a partition one caller could be served another's answers.
            return "no_partition";
        }

        if (scope.NoCache && scope.NoStore)
        {
            return "no_cache_no_store";
        }

        if (options?.ContinuationToken is not null)
        {
            return "continuation";
        }

        var deterministic = options?.Temperature is float temperature ? temperature <= 0f : settings.CacheUnspecifiedTemperature;
        return deterministic || settings.CacheNonDeterministic ? null : "non_deterministic";
    }

    /// <summary>Why a whole answer must not be kept, or null when it may.</summary>
    public static string? NotStorable(ChatResponse response, bool cancelled)
    {
        if (response.FinishReason is null)
        {
            return "the response carried no finish reason";
        }

        foreach (var message in response.Messages)
        {
            if (NotStorable(message.Contents) is { } reason)
            {
                return reason;
            }
        }

        return cancelled ? "the request was cancelled" : null;
    }

    /// <summary>Why a stream that ran to its end must not be kept, or null when it may.</summary>
    public static string? NotStorable(bool sawFinishReason, bool cancelled) =>
        !sawFinishReason ? "the stream carried no finish reason"
        : cancelled ? "the request was cancelled"
        : null;

    /// <summary>Why an answer holding <paramref name="contents"/> must not be kept, or null when it may.</summary>
    public static string? NotStorable(IList<AIContent> contents)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case FunctionCallContent { Exception: not null }:
                    return "tool-call arguments did not parse";
                case ErrorContent:
                    return "the response carried an error";
            }
        }

        return null;
    }

    /// <summary>Why an entry of <paramref name="bytes"/> must not be kept, or null when it may.</summary>
    public string? TooLarge(long bytes) => bytes > settings.MaxEntryBytes ? "the response exceeds MaxEntryBytes" : null;
}
