using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Compaction;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Tools;
using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// The one intake both model endpoints share: read the body ► continue a stored conversation ► refuse an empty one ►
/// scope the response cache ► route it (the turn, whose context the upstream HTTP handler finds on the request's features).
/// New tool declarations the body brought are kept for later requests only once all of that passed.
/// </summary>
public sealed class ChatIntake(ChatTurnFactory turns, ConversationContinuation continuation, IOptions<EdgeOptions> options)
{
    private readonly long _maxRequestBodyBytes = options.Value.MaxRequestBodyBytes;

    /// <summary>Takes in the request. Dispose the result once the answer is sent: the body lives until then (tool declarations point into it).</summary>
    public async Task<ChatIntakeResult> ReadAsync(HttpContext context, RequestDialect dialect)
    {
        var body = await RequestBodyLimits.ReadJsonAsync(context, _maxRequestBodyBytes).ConfigureAwait(false);
        try
        {
            ParsedChatRequest request;
            var newTools = ToolDeclarationCache.Collect();
            using (newTools)
            {
                request = dialect.Read(body.RootElement);
            }
            var keyId = ApiKeyAuthenticationHandler.KeyId(context);
            // previous_response_id: continue a conversation stored by POST …/responses.
            var continued = await continuation.PrependAsync(request, keyId, context.Request.ContentLength ?? 0, context.RequestAborted).ConfigureAwait(false);
            if (request.Messages.Count == 0)
            {
                throw new WireFormatException($"'{dialect.ConversationMember}' is empty: send at least one message.", dialect.ConversationMember);
            }
            var cache = context.ScopeResponseCache(keyId);
            var turn = turns.Create(request, dialect.Shape ?? request.Shape.ToString(), ApiKeyIdentity.Of(context), cache);
            context.Features.Set<ChatCallContext>(turn.Call);
            for (var i = 0; i < turn.Routes.Count; i++)
            {
                if (turn.Routes[i].Route.Compaction)
                {
                    context.ReportCompaction(turn.Call);
                    break;
                }
            }
            newTools.Keep();
            return new ChatIntakeResult(body, turn, continued);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }
}
