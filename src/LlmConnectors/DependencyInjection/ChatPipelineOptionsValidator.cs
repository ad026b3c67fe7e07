using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmConnectors.DependencyInjection;

/// <summary>Checks a pipeline's <see cref="ChatPipelineOptions"/> at start-up; every message names the full setting path.</summary>
internal sealed class ChatPipelineOptionsValidator(
    string optionsName, string sectionPath, IConfiguration configuration, ChatClientLeafResolver leaves, ChatResponseValidatorRegistry validators, IServiceProvider services)
    : IValidateOptions<ChatPipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatPipelineOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>(options.BindingErrors);
        var routing = options.Routing is { Enabled: true } r ? r : null;

        if (routing is null && string.IsNullOrEmpty(options.Client))
        {
            errors.Add($"{Path("Client")} is not set: set it to the name of the leaf client the pipeline ends in (known: {leaves.KnownNames}), " +
                $"or configure {Path("Routing:Routes")}.");
        }

        CheckLeaf(errors, options.Client, Path("Client"));

        if (routing is not null)
        {
            var prefixes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (routing.Routes.Count == 0)
            {
                errors.Add($"{Path("Routing:Routes")} is empty: add at least one route ({{ \"Prefix\": \"max/\", \"Client\": \"claude-cli\" }}), or set {Path("Routing:Enabled")} to false.");
            }

            for (var i = 0; i < routing.Routes.Count; i++)
            {
                var route = routing.Routes[i];
                if (string.IsNullOrEmpty(route.Prefix))
                {
                    errors.Add($"{Path($"Routing:Routes:{i}:Prefix")} is not set: give the model-id prefix this route serves, for example 'max/'.");
                }
                else if (!prefixes.Add(route.Prefix))
                {
                    errors.Add($"{Path($"Routing:Routes:{i}:Prefix")} is '{route.Prefix}', which an earlier route already uses; each prefix may appear once.");
                }

                if (string.IsNullOrEmpty(route.Client))
                {
                    errors.Add($"{Path($"Routing:Routes:{i}:Client")} is not set: give the name of the leaf client that serves '{route.Prefix}'.");
                }

                CheckLeaf(errors, route.Client, Path($"Routing:Routes:{i}:Client"));
            }

            CheckLeaf(errors, routing.DefaultClient, Path("Routing:DefaultClient"));
        }

        if (options.Failover is { Enabled: true } failover)
        {
            if (failover.Fallbacks.Count == 0)
            {
                errors.Add($"{Path("Failover:Fallbacks")} is empty: add at least one fallback ({{ \"Client\": \"claude-proxy\" }} or {{ \"ModelId\": \"openrouter/...\" }}), or set {Path("Failover:Enabled")} to false.");
            }

            for (var i = 0; i < failover.Fallbacks.Count; i++)
            {
                var entry = failover.Fallbacks[i];
                if (string.IsNullOrEmpty(entry.Client) && string.IsNullOrEmpty(entry.ModelId))
                {
                    errors.Add($"{Path($"Failover:Fallbacks:{i}")} has neither Client nor ModelId: set the leaf client to try, the model id to ask the pipeline for, or both.");
                }

                CheckLeaf(errors, entry.Client, Path($"Failover:Fallbacks:{i}:Client"));
            }

            if (failover.DelayBetweenAttempts < TimeSpan.Zero || failover.DelayBetweenAttempts > LlmFailoverChatClient.MaxDelayBetweenAttempts)
            {
                errors.Add($"{Path("Failover:DelayBetweenAttempts")} is {failover.DelayBetweenAttempts}; it must be between 00:00:00 and 00:00:02 (failover is meant to be fast; transport retries with backoff belong to the leaf clients).");
            }

            if (failover.AttemptTimeout is { } timeout && timeout <= TimeSpan.Zero)
            {
                errors.Add($"{Path("Failover:AttemptTimeout")} is {timeout}; it must be positive, or left out for no limit.");
            }

            if (failover.FailoverOn is { } kinds)
            {
                foreach (var kind in kinds.Where(LlmFailoverChatClient.NeverFailOverOn.Contains).Distinct())
                {
                    errors.Add($"{Path("Failover:FailoverOn")} contains {kind}, which never fails over (the next provider would reject the request too); remove it.");
                }
            }
        }

        if (options.RetryWithValidation is { Enabled: true } retry)
        {
            if (retry.MaxAttempts < 1)
            {
                errors.Add($"{Path("RetryWithValidation:MaxAttempts")} is {retry.MaxAttempts}; it must be at least 1 (1 means no re-ask).");
            }

            if (retry.Validators is { } validatorList)
            {
                try
                {
                    _ = validators.CreateAll(validatorList, services);
                }
                catch (InvalidOperationException e)
                {
                    errors.Add($"{Path("RetryWithValidation:Validators")}: {e.Message}");
                }
            }
        }

        if (options.Multimodal is { Enabled: true } multimodal)
        {
            if (!string.IsNullOrEmpty(multimodal.AllowedRoot) && !Directory.Exists(multimodal.AllowedRoot))
            {
                errors.Add($"{Path("Multimodal:AllowedRoot")} is '{multimodal.AllowedRoot}', which is not an existing directory; create it or fix the setting.");
            }

            if (multimodal.MaxImageBytes <= 0)
            {
                errors.Add($"{Path("Multimodal:MaxImageBytes")} is {multimodal.MaxImageBytes}; it must be positive.");
            }

            if (multimodal.MaxTotalBytes < multimodal.MaxImageBytes)
            {
                errors.Add($"{Path("Multimodal:MaxTotalBytes")} is {multimodal.MaxTotalBytes}; it must be at least {Path("Multimodal:MaxImageBytes")} ({multimodal.MaxImageBytes}).");
            }

            if (multimodal.MaxImageDimension is { } dimension && dimension <= 0)
            {
                errors.Add($"{Path("Multimodal:MaxImageDimension")} is {dimension}; it must be positive, or left out for no downsizing.");
            }

            if (multimodal.RemoteFetchTimeout <= TimeSpan.Zero)
            {
                errors.Add($"{Path("Multimodal:RemoteFetchTimeout")} is {multimodal.RemoteFetchTimeout}; it must be positive.");
            }

            if (multimodal.UnsupportedImagePolicy == UnsupportedImagePolicy.Route && string.IsNullOrEmpty(multimodal.FallbackClient) && string.IsNullOrEmpty(multimodal.FallbackModelId))
            {
                errors.Add($"{Path("Multimodal:UnsupportedImagePolicy")} is Route, but neither {Path("Multimodal:FallbackClient")} nor {Path("Multimodal:FallbackModelId")} is set; set one of them.");
            }

            CheckLeaf(errors, multimodal.FallbackClient, Path("Multimodal:FallbackClient"));
        }

        CheckMeaiMiddlewares(errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void CheckMeaiMiddlewares(List<string> errors)
    {
        try
        {
            _ = MeaiMiddlewareSettings.FunctionInvocation(configuration);
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{Path("FunctionInvocation")}: {e.Message}");
        }

        try
        {
            _ = MeaiMiddlewareSettings.OpenTelemetry(configuration);
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{Path("OpenTelemetry")}: {e.Message}");
        }

        if (ChatPipelineFactory.IsEnabled(configuration, "DistributedCache") && services.GetService<IDistributedCache>() is null)
        {
            errors.Add($"{Path("DistributedCache")} switches MEAI's distributed cache on, but no IDistributedCache service is registered: register one " +
                $"(services.AddDistributedMemoryCache(), services.AddStackExchangeRedisCache(...)), or set {Path("DistributedCache:Enabled")} to false.");
        }
    }

    private void CheckLeaf(List<string> errors, string? name, string settingPath)
    {
        if (!string.IsNullOrEmpty(name) && !leaves.Exists(name))
        {
            errors.Add(leaves.UnknownLeafMessage(name, settingPath));
        }
    }

    private string Path(string key) => sectionPath.Length == 0 ? key : $"{sectionPath}:{key}";
}
