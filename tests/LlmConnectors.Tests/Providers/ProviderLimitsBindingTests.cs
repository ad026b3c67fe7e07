using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors.Tests.Providers;

/// <summary>The <c>Limits</c> section of a provider, bound by the configuration binding source generator from <see cref="ChatRequestLimitOptions"/>.</summary>
public class ProviderLimitsBindingTests
{
    private static IConfiguration Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => "OpenAI:" + v.Key, v => (string?)v.Value)).Build().GetSection("OpenAI");

    [Fact]
    public void Limits_EverySettingBound()
    {
        var limits = ProviderConfigurationValues.Limits(
            Section(("Limits:MaxConcurrentRequests", "2"), ("Limits:QueueLimit", "0"), ("Limits:QueueFullRetryAfter", "00:00:03"), ("Limits:RequestsPerMinute", "60"), ("Limits:TokensPerMinute", "1000")),
            "OpenAI")!;

        Assert.Equal((2, 0, TimeSpan.FromSeconds(3), 60, 1000), (limits.MaxConcurrentRequests, limits.QueueLimit, limits.QueueFullRetryAfter, limits.RequestsPerMinute, limits.TokensPerMinute));
    }

    [Fact]
    public void Limits_Absent_Null() => Assert.Null(ProviderConfigurationValues.Limits(Section(("ApiKey", "x")), "OpenAI"));

    [Fact]
    public void Limits_ValueThatDoesNotConvert_NamesTheSetting()
    {
        var e = Assert.Throws<OptionsValidationException>(() => ProviderConfigurationValues.Limits(Section(("Limits:QueueLimit", "lots")), "OpenAI"));

        Assert.Contains("OpenAI:Limits:QueueLimit", e.Message, StringComparison.Ordinal);
        Assert.Contains("Write whole numbers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_OutOfRange_NamesTheSetting()
    {
        var e = Assert.Throws<OptionsValidationException>(() => ProviderConfigurationValues.Limits(Section(("Limits:MaxConcurrentRequests", "0")), "OpenAI"));

        Assert.Contains("OpenAI:Limits:MaxConcurrentRequests is 0", e.Message, StringComparison.Ordinal);
    }
}
