using System.ComponentModel;
using Microsoft.SemanticKernel;

/// <summary>A plugin the model may call: it tells the time in a city (a fixed answer, so the output is predictable).</summary>
internal sealed class ClockPlugin
{
    [KernelFunction("current_time")]
    [Description("Gets the current time in a city.")]
    public static string CurrentTime([Description("The city")] string city) => $"It is 09:30 in {city}.";
}
