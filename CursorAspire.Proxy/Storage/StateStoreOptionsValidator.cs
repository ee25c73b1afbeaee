using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Storage;

/// <summary>Fails start-up on a <c>Proxy:Storage</c> setting the store cannot use, naming the key to fix.</summary>
public sealed class StateStoreOptionsValidator : IValidateOptions<StateStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StateStoreOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{StateStoreOptions.SectionName}:Timeout must be a positive time span, e.g. 00:00:00.250.");
        }
        failures.AddRange(options.Breaker.Problems($"{StateStoreOptions.SectionName}:Breaker"));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
