namespace CursorAspire.Proxy.Reasoning;

/// <summary>The reasoning a model wrote together with one turn's tool calls, in the form its provider needs back.</summary>
/// <param name="Provider">The provider that wrote it (a key of <c>Proxy:Providers</c>); only that provider gets it back.</param>
/// <param name="Items">
/// The reasoning blocks in order: text, and the provider's opaque data (Anthropic's thinking <c>signature</c>, or the
/// <c>data</c> of a redacted thinking block) as <see cref="TextReasoningContent.ProtectedData"/>.
/// </param>
public sealed record StoredReasoning(string Provider, IReadOnlyList<TextReasoningContent> Items);
