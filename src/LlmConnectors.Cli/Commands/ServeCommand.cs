using System.CommandLine;
using System.Reflection;
using LlmConnectors.Cli.Output;

namespace LlmConnectors.Cli.Commands;

/// <summary>
/// <c>llmc serve</c>: runs the Claude proxy (src/LlmConnectors.ClaudeProxy) in this process. The proxy assembly ships
/// inside the tool package, so <c>dotnet tool install</c> is all it takes; its settings come from the usual
/// .NET configuration sources (ClaudeProxy__ApiKey and friends as environment variables, or <c>--ClaudeProxy:Key=value</c>
/// arguments after <c>--</c>).
/// </summary>
internal static class ServeCommand
{
    public const string ProxyAssemblyName = "LlmConnectors.ClaudeProxy";

    public static Command Create()
    {
        var host = new Option<string>("--host")
        {
            Description = "The address to listen on. Anything but loopback needs ClaudeProxy__ApiKey and ClaudeProxy__AllowedHosts__0 "
                + "(the host name clients use, or * for any) set; the proxy refuses to start otherwise.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port", "-p")
        {
            Description = "The port to listen on.",
            DefaultValueFactory = _ => 3010,
        };
        var command = new Command("serve", "Run the OpenAI-compatible Claude proxy (POST /v1/chat/completions, GET /v1/models, GET /health) until Ctrl+C. "
            + "Arguments after -- go to the proxy's configuration, for example -- --ClaudeProxy:MaxConcurrentRequests=8.")
        {
            host, port,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var url = $"http://{parseResult.GetValue(host)}:{parseResult.GetValue(port)}";
            string[] proxyArgs = ["--urls", url, .. parseResult.UnmatchedTokens];
            return await RunProxyAsync(proxyArgs);
        });
        return command;
    }

    private static async Task<int> RunProxyAsync(string[] args)
    {
        Assembly proxy;
        try
        {
            proxy = Assembly.Load(ProxyAssemblyName);
        }
        catch (FileNotFoundException)
        {
            Terminal.WriteError($"{ProxyAssemblyName}.dll is not next to llmc; reinstall the tool (dotnet tool update -g LlmConnectors.Cli).");
            return ExitCodes.SetupProblem;
        }

        var entryPoint = proxy.EntryPoint
            ?? throw new InvalidOperationException($"{ProxyAssemblyName} has no entry point.");
        object? result;
        try
        {
            result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            Terminal.WriteError("The proxy failed: " + e.InnerException.Message);
            return ExitCodes.RequestFailed;
        }

        var proxyExitCode = result switch
        {
            Task<int> exitCode => await exitCode,
            Task task => await WaitAsync(task),
            int exitCode => exitCode,
            _ => ExitCodes.Success,
        };

        // The proxy exits with 2 when its configuration is invalid (it has printed why).
        return proxyExitCode switch
        {
            0 => ExitCodes.Success,
            2 => ExitCodes.SetupProblem,
            _ => ExitCodes.RequestFailed,
        };
    }

    private static async Task<int> WaitAsync(Task task)
    {
        await task;
        return ExitCodes.Success;
    }
}
