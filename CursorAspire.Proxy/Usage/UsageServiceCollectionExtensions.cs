namespace CursorAspire.Proxy.Usage;

/// <summary>Registers per-key usage counting, cost estimates and daily token budgets.</summary>
public static class UsageServiceCollectionExtensions
{
    public static IServiceCollection AddUsage(this IServiceCollection services) => services
        .AddSingleton<UsageLedger>().AddSingleton<UsageMetrics>().AddSingleton<UsageAccounting>().AddSingleton<UsageReport>().AddSingleton<TokenBudget>();
}
