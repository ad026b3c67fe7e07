using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.AgentFramework;

/// <summary>An agent tool (<c>local_time</c>) that counts its calls, so a test can tell whether the agent really ran it.</summary>
public sealed class LocalTimeTool
{
    private int _calls;

    public int Calls => _calls;

    /// <summary>Gets the tool as an <see cref="AIFunction"/> named <c>local_time</c>.</summary>
    public AIFunction Function => AIFunctionFactory.Create(LocalTime, "local_time");

    [Description("Gets the local time in a city.")]
    private string LocalTime([Description("The city")] string city)
    {
        Interlocked.Increment(ref _calls);
        return $"09:30 in {city}";
    }
}
