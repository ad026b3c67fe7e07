using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace LlmConnectors.IntegrationTests.SemanticKernel;

/// <summary>A Semantic Kernel plugin that counts its calls, so a test can tell whether the kernel really invoked it.</summary>
public sealed class WeatherPlugin
{
    private int _calls;

    public int Calls => _calls;

    [KernelFunction("get_temperature")]
    [Description("Gets the current temperature in a city.")]
    public string GetTemperature([Description("The city")] string city)
    {
        Interlocked.Increment(ref _calls);
        return $"21 degrees in {city}";
    }
}
