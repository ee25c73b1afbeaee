namespace CursorAspire.Proxy.Configuration;

/// <summary>
/// The one way the proxy checks its options: a validator lists what is wrong, each problem naming the configuration key
/// to fix, and start-up fails with all of them before the first request (<see cref="ValidatedOptionsServiceCollectionExtensions"/>).
/// </summary>
public abstract class OptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options).OfType<string>().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>What is wrong with <paramref name="options"/>, one message a problem (null entries are no problem).</summary>
    protected abstract IEnumerable<string?> Problems(TOptions options);

    /// <summary>The problem with a time span that must be positive, or null.</summary>
    protected static string? PositiveTimeSpan(TimeSpan value, string setting, string example) =>
        value > TimeSpan.Zero ? null : $"{setting} must be a positive time span, e.g. {example}.";
}
