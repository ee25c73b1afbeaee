using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Shows a service that cannot run on this machine, rather than leaving it out in silence.</summary>
public static class UnavailableResourceBuilderExtensions
{
    /// <summary>Shows a service that cannot run as a warning row in the dashboard and a warning in the console.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The name the service would have had.</param>
    /// <param name="reason">Why it cannot run and what the user can do about it.</param>
    /// <returns>The placeholder's builder.</returns>
    public static IResourceBuilder<UnavailableResource> AddUnavailable(this IDistributedApplicationBuilder builder, [ResourceName] string name, string reason)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.AppHost").LogWarning("{Name}: {Reason}", name, reason);
            return Task.CompletedTask;
        });

        return builder.AddResource(new UnavailableResource(name, reason))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Unavailable",
                State = new ResourceStateSnapshot("Unavailable", KnownResourceStateStyles.Warn),
                Properties = [new("reason", reason) { DisplayName = "Why" }],
            })
            .ExcludeFromManifest();
    }
}
