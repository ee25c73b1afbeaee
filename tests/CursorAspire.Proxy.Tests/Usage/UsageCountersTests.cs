using CursorAspire.Proxy.Usage;

namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>The per-model counter fields (<see cref="UsageCounters.Field"/>): the same names as ever, made once per model.</summary>
public sealed class UsageCountersTests
{
    [Fact]
    public void FieldIsModelBarCounterAndMadeOncePerModel()
    {
        var model = $"fields-{Guid.NewGuid():N}";

        foreach (var counter in UsageCounters.All)
        {
            var first = UsageCounters.Field(model, counter);
            Assert.Equal($"{model}|{counter}", first);
            Assert.Same(first, UsageCounters.Field(model, counter));
        }
        Assert.Equal($"{model}|not_a_counter", UsageCounters.Field(model, "not_a_counter"));
    }
}
