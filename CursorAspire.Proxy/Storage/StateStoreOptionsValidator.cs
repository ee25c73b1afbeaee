using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Storage;

/// <summary>Fails start-up on a <c>Proxy:Storage</c> setting the store cannot use, naming the key to fix.</summary>
public sealed class StateStoreOptionsValidator : OptionsValidator<StateStoreOptions>
{
    protected override IEnumerable<string?> Problems(StateStoreOptions options) =>
        options.Breaker.Problems($"{StateStoreOptions.SectionName}:Breaker")
            .Prepend(PositiveTimeSpan(options.Timeout, $"{StateStoreOptions.SectionName}:Timeout", "00:00:00.250"));
}
