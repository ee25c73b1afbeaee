using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// The stored forms: a <see cref="ChatResponse"/> as JSON, or a streamed answer as a JSON array of
/// <see cref="ChatResponseUpdate"/>s, both with Microsoft.Extensions.AI's own contract
/// (<see cref="AIJsonUtilities.DefaultOptions"/>), which round-trips every content type the pipeline produces.
/// </summary>
internal static class ResponseCacheSerializer
{
    private static JsonTypeInfo<ChatResponse> ResponseInfo =>
        (JsonTypeInfo<ChatResponse>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponse));

    internal static JsonTypeInfo<ChatResponseUpdate> UpdateInfo =>
        (JsonTypeInfo<ChatResponseUpdate>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatResponseUpdate));

    private static JsonTypeInfo<List<ChatResponseUpdate>> UpdateListInfo =>
        (JsonTypeInfo<List<ChatResponseUpdate>>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(List<ChatResponseUpdate>));

    public static byte[] SerializeResponse(ChatResponse response) => JsonSerializer.SerializeToUtf8Bytes(response, ResponseInfo);

    public static ChatResponse DeserializeResponse(byte[] payload) =>
        JsonSerializer.Deserialize(payload, ResponseInfo) ?? throw new JsonException("The cached response is null.");

    public static List<ChatResponseUpdate> DeserializeUpdates(byte[] payload) =>
        JsonSerializer.Deserialize(payload, UpdateListInfo) ?? throw new JsonException("The cached update list is null.");
}
