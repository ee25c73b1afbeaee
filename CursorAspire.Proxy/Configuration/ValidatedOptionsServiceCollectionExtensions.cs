using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CursorAspire.Proxy.Configuration;

/// <summary>Registers a feature's options the one way the proxy does: bound from their section, checked at start-up.</summary>
public static class ValidatedOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and checks them with
    /// <typeparamref name="TValidator"/> when the host starts, so a bad setting fails before the first request, naming
    /// the key to fix.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration section)
        where TOptions : class
        where TValidator : OptionsValidator<TOptions>
    {
        ArgumentNullException.ThrowIfNull(section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
    }
}
