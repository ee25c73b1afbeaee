using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>
/// The caller's key identity (<c>ApiKeyStore.KeyId</c>, never the key) on <see cref="ChatOptions.AdditionalProperties"/>,
/// for pipeline stages that keep state per key. The stage that reads it last removes it, so it never reaches a provider.
/// </summary>
public static class CallerKey
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key.</summary>
    public const string Property = "cursoraspire.key_id";

    public static void AttachTo(ChatOptions options, string keyId) => (options.AdditionalProperties ??= [])[Property] = keyId;

    /// <summary>The key identity on <paramref name="options"/>, or empty when none was attached.</summary>
    public static string From(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Property, out var value) == true && value is string keyId ? keyId : string.Empty;

    /// <summary>A copy of <paramref name="options"/> without the key identity (the same instance when it has none).</summary>
    public static ChatOptions? Remove(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.ContainsKey(Property) != true)
        {
            return options;
        }
        var clone = options.Clone();
        clone.AdditionalProperties!.Remove(Property);
        return clone;
    }
}
