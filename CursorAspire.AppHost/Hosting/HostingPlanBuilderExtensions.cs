using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CursorAspire.AppHost.Hosting;

/// <summary>Tells the user, once at start-up, how the backing services run (<see cref="HostingPlan"/>).</summary>
public static class HostingPlanBuilderExtensions
{
    /// <summary>Logs at start-up which mode was chosen and why.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="plan">The plan to report.</param>
    /// <returns>The application builder.</returns>
    public static IDistributedApplicationBuilder ReportHostingPlan(this IDistributedApplicationBuilder builder, HostingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(plan);
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.AppHost");
            if (plan.Mode == HostingMode.Containers)
            {
                logger.LogInformation("Backing services run as containers ({Reason}).", plan.Reason);
            }
            else
            {
                logger.LogInformation(
                    "Backing services run as local processes ({Reason}): cache = {Cache}, Ollama = {Ollama}.",
                    plan.Reason,
                    plan.RedisServerPath ?? "embedded Garnet",
                    plan.OllamaCommand ?? "not available");
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}
