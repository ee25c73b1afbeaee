namespace CursorAspire.Proxy.Context;

/// <summary>
/// A request's <see cref="ChatOptions"/> with its <see cref="ChatCallContext"/>: how the context travels down a route's
/// pipeline. A stage that clones the options keeps the context (<see cref="Clone"/>); <see cref="WithoutContext"/> is
/// the options as a provider gets them.
/// </summary>
public sealed class ChatCallOptions : ChatOptions
{
    /// <summary>A copy of <paramref name="options"/> (collections shallow-copied, as <see cref="ChatOptions.Clone"/> does) carrying <paramref name="context"/>.</summary>
    public ChatCallOptions(ChatOptions options, ChatCallContext context)
        : base(options)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
    }

    private ChatCallOptions(ChatCallOptions other)
        : base(other) => Context = other.Context;

    /// <summary>The request's context.</summary>
    public ChatCallContext Context { get; }

    /// <inheritdoc />
    public override ChatOptions Clone() => new ChatCallOptions(this);

    /// <summary>A plain copy of these options, without the context.</summary>
    public ChatOptions WithoutContext() => base.Clone();
}
