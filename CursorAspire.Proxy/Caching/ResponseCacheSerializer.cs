using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// The stored forms: a <see cref="ChatResponse"/> as JSON, or a streamed answer as a JSON array of
/// <see cref="ChatResponseUpdate"/>s, both with Microsoft.Extensions.AI's own contract
/// (<see cref="AIJsonUtilities.DefaultOptions"/>), which round-trips every content type the pipeline produces.
/// Nothing here throws for a payload or an answer it cannot handle: it says why, and the cache treats it as a miss.
/// </summary>
internal static class ResponseCacheSerializer
{
    internal static JsonTypeInfo<ChatResponse> ResponseInfo =>
        (JsonTypeInfo<ChatResponse>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse));

    internal static JsonTypeInfo<ChatResponseUpdate> UpdateInfo =>
        (JsonTypeInfo<ChatResponseUpdate>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponseUpdate));

    internal static JsonTypeInfo<List<ChatResponseUpdate>> UpdateListInfo =>
        (JsonTypeInfo<List<ChatResponseUpdate>>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(List<ChatResponseUpdate>));

    /// <summary>Reads a stored entry; false (with the exception's type name) when it cannot be read back.</summary>
    public static bool TryDeserialize<T>(byte[] payload, JsonTypeInfo<T> info, [NotNullWhen(true)] out T? value, out string? error)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize(payload, info) ?? throw new JsonException("The cached entry is null.");
            error = null;
            return true;
        }
        catch (Exception ex) when (IsSerializationFailure(ex))
        {
            value = null;
            error = ex.GetType().Name;
            return false;
        }
    }

    /// <summary>The stored form of <paramref name="response"/>, or null (with the exception's type name) when it has none.</summary>
    public static byte[]? TrySerialize(ChatResponse response, out string? error)
    {
        try
        {
            error = null;
            return JsonSerializer.SerializeToUtf8Bytes(response, ResponseInfo);
        }
        catch (Exception ex) when (IsSerializationFailure(ex))
        {
            error = ex.GetType().Name;
            return null;
        }
    }

    /// <summary>What System.Text.Json throws for content it cannot write or read back.</summary>
    public static bool IsSerializationFailure(Exception ex) => ex is JsonException or NotSupportedException or InvalidOperationException;
}
