using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>How one model endpoint reads its body, for the shared intake (<see cref="ChatIntake"/>).</summary>
/// <param name="Read">The body's reader (Wire/), which also refuses what the endpoint cannot take.</param>
/// <param name="ConversationMember">The member that holds the conversation, named when it is empty.</param>
/// <param name="Shape">The shape recorded in metrics and spans; null for the shape the reader found.</param>
public sealed record RequestDialect(Func<JsonElement, ParsedChatRequest> Read, string ConversationMember, string? Shape = null);
