namespace CursorAspire.Proxy.Usage;

/// <summary>Registers per-key usage counting, cost estimates and daily token budgets.</summary>
public static class UsageServiceCollectionExtensions
{
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddSingleton<UsageLedger>();
        services.AddSingleton<UsageMetrics>();
        services.AddSingleton<UsageAccounting>();
        services.AddSingleton<UsageReport>();
        services.AddSingleton<TokenBudget>();
        return services;
    }
}
