namespace CursorAspire.TestUpstreams;

/// <summary>How the exchange of a <see cref="RecordedRequest"/> ended.</summary>
public enum RequestOutcome
{
    /// <summary>The response is still being written (or hanging).</summary>
    InProgress,

    /// <summary>The stand-in finished the response.</summary>
    Completed,

    /// <summary>The client disconnected before the response finished (<c>HttpContext.RequestAborted</c> fired).</summary>
    ClientAborted,

    /// <summary>The stand-in broke the connection: <see cref="StandInReply.FailAfterChunks"/>, or it stopped during a hang.</summary>
    ServerAborted,
}
