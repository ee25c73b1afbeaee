using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Storage;

/// <summary>Fails start-up on a <c>Proxy:Storage</c> setting the store cannot use, naming the key to fix.</summary>
public sealed class StateStoreOptionsValidator : OptionsValidator<StateStoreOptions>
{
    protected override IEnumerable<string> Problems(StateStoreOptions options)
    {
        if (options.Timeout <= TimeSpan.Zero)
        {
            yield return $"{StateStoreOptions.SectionName}:Timeout must be a positive time span, e.g. 00:00:00.250.";
        }
        foreach (var problem in options.Breaker.Problems($"{StateStoreOptions.SectionName}:Breaker"))
        {
            yield return problem;
        }
    }
}
