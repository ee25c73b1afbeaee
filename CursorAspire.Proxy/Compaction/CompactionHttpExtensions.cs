using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Compaction;

/// <summary>Where compaction meets HTTP: the response says when its prompt went up compacted.</summary>
public static class CompactionHttpExtensions
{
    /// <summary>
    /// Writes <see cref="PromptCompaction.HeaderName"/> on the response when the upstream call that answered it sent a
    /// compacted prompt (<see cref="ChatCallContext.Compaction"/>, known before the first byte of the answer).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="call">The request's context.</param>
    public static void ReportCompaction(this HttpContext context, ChatCallContext call)
    {
        context.Response.OnStarting(static state =>
        {
            var (response, call) = ((HttpResponse, ChatCallContext))state;
            if (call.Compaction is { } compaction && response.StatusCode == StatusCodes.Status200OK)
            {
                response.Headers[PromptCompaction.HeaderName] = compaction.HeaderValue;
            }
            return Task.CompletedTask;
        }, (context.Response, call));
    }
}
