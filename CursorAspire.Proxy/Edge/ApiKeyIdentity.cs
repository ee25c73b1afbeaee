using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Edge;

/// <summary>Who is calling: which key matched, what it may use, and the limits it spends against.</summary>
/// <param name="Name">The key's name: <c>Proxy:Keys:&lt;name&gt;</c>, or <c>ApiKeys:&lt;index&gt;</c> for an unnamed key. Safe for logs, spans and metrics.</param>
/// <param name="Id">A stable, non-reversible identity (a hash prefix of the key): partitions cached answers, conversations and counters.</param>
/// <param name="Policy">The key's models and limits (empty for an unnamed key: the global defaults apply).</param>
public sealed record ApiKeyIdentity(string Name, string Id, KeyOptions Policy)
{
    private static readonly object ItemsKey = new();

    /// <summary>The aliases the key may use, or null when it may use all.</summary>
    public IReadOnlyList<string>? AllowedModels => Policy.Models.Count > 0 ? Policy.Models : null;

    /// <summary>The identity authentication attached to <paramref name="context"/>.</summary>
    /// <exception cref="InvalidOperationException">The request was not authenticated (an endpoint without the fallback policy).</exception>
    public static ApiKeyIdentity Of(HttpContext context) =>
        context.Items.TryGetValue(ItemsKey, out var value) && value is ApiKeyIdentity identity
            ? identity
            : throw new InvalidOperationException("The request has no authenticated API key.");

    internal void AttachTo(HttpContext context) => context.Items[ItemsKey] = this;
}
