using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>Fails start-up on a stream-opening time the responder cannot use, naming the key.</summary>
public sealed class StreamOpeningOptionsValidator : OptionsValidator<StreamOpeningOptions>
{
    protected override IEnumerable<string?> Problems(StreamOpeningOptions options)
    {
        if (options.StreamOpenAfter < TimeSpan.Zero || options.StreamOpenAfter > TimeSpan.FromMinutes(1))
        {
            yield return "Proxy:StreamOpenAfter must be between 00:00:00 (open at once) and 00:01:00, e.g. 00:00:00.500.";
        }
    }
}
