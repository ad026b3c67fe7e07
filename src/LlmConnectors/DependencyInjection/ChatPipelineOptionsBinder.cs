using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace LlmConnectors.DependencyInjection;

/// <summary>
/// Reads <see cref="ChatPipelineOptions"/> from configuration. Values that do not parse are collected, with their full setting path,
/// in <see cref="ChatPipelineOptions.BindingErrors"/> and reported by start-up validation, all of them at once.
/// </summary>
/// <remarks>
/// Why by hand and not with the configuration binding source generator (which the library uses where it fits: the provider
/// <c>Limits</c> sections, MEAI's middleware settings): tried here, the generated <c>Bind</c> (1) stops at the first value it
/// cannot convert with an <see cref="InvalidOperationException"/>, so start-up could name one wrong setting per run instead of
/// every one (<c>AddChatPipeline_InvalidValues_EveryProblemReportedWithItsPath</c>); (2) cannot read a list written as one
/// comma-separated value, which is how lists arrive from one environment variable (<c>Multimodal__AllowedRemoteHosts=a.example,.b.example</c>);
/// (3) accepts numeric enum values (<c>UnsupportedImagePolicy=7</c>) that name no policy; (4) appends to a list that has a default
/// (<c>Failover:FailoverOn</c>) instead of replacing it. Each setting is still declared once, on its
/// <c>*PipelineOptions</c> class, and read here by the name of that property.
/// </remarks>
internal static class ChatPipelineOptionsBinder
{
    public static void Bind(IConfiguration configuration, ChatPipelineOptions options)
    {
        var reader = new Reader(options.BindingErrors);
        options.Client = Reader.String(configuration, nameof(ChatPipelineOptions.Client)) ?? options.Client;

        if (Section(configuration, nameof(ChatPipelineOptions.RetryWithValidation)) is { } retry)
        {
            var o = options.RetryWithValidation ??= new RetryWithValidationPipelineOptions();
            o.Enabled = reader.Bool(retry, nameof(o.Enabled)) ?? o.Enabled;
            o.MaxAttempts = (int?)reader.Long(retry, nameof(o.MaxAttempts), int.MaxValue) ?? o.MaxAttempts;
            o.KeepOnlyLastFailedAttempt = reader.Bool(retry, nameof(o.KeepOnlyLastFailedAttempt)) ?? o.KeepOnlyLastFailedAttempt;
            o.StopAtFirstFailure = reader.Bool(retry, nameof(o.StopAtFirstFailure)) ?? o.StopAtFirstFailure;
            o.RetryOnJsonEnforcementFailure = reader.Bool(retry, nameof(o.RetryOnJsonEnforcementFailure)) ?? o.RetryOnJsonEnforcementFailure;
            o.StreamFirstAttempt = reader.Bool(retry, nameof(o.StreamFirstAttempt)) ?? o.StreamFirstAttempt;
            o.Validators = Section(retry, nameof(o.Validators)) ?? o.Validators;
        }

        if (Section(configuration, nameof(ChatPipelineOptions.JsonEnforcement)) is { } json)
        {
            var o = options.JsonEnforcement ??= new JsonEnforcementPipelineOptions();
            o.Enabled = reader.Bool(json, nameof(o.Enabled)) ?? o.Enabled;
            o.AlwaysEnforce = reader.Bool(json, nameof(o.AlwaysEnforce)) ?? o.AlwaysEnforce;
            o.AssumeNativeSupportWhenUnknown = reader.Bool(json, nameof(o.AssumeNativeSupportWhenUnknown)) ?? o.AssumeNativeSupportWhenUnknown;
            o.ValidateSchema = reader.Bool(json, nameof(o.ValidateSchema)) ?? o.ValidateSchema;
        }

        if (Section(configuration, nameof(ChatPipelineOptions.Multimodal)) is { } multimodal)
        {
            var o = options.Multimodal ??= new MultimodalPipelineOptions();
            o.Enabled = reader.Bool(multimodal, nameof(o.Enabled)) ?? o.Enabled;
            o.AllowedRoot = Reader.String(multimodal, nameof(o.AllowedRoot)) ?? o.AllowedRoot;
            o.AllowRemoteFetch = reader.Bool(multimodal, nameof(o.AllowRemoteFetch)) ?? o.AllowRemoteFetch;
            o.AllowPrivateNetworkFetch = reader.Bool(multimodal, nameof(o.AllowPrivateNetworkFetch)) ?? o.AllowPrivateNetworkFetch;
            foreach (var host in Reader.StringList(multimodal, nameof(o.AllowedRemoteHosts)))
            {
                o.AllowedRemoteHosts.Add(host);
            }

            o.RemoteFetchTimeout = reader.TimeSpan(multimodal, nameof(o.RemoteFetchTimeout)) ?? o.RemoteFetchTimeout;
            o.MaxImageBytes = reader.Long(multimodal, nameof(o.MaxImageBytes)) ?? o.MaxImageBytes;
            o.MaxTotalBytes = reader.Long(multimodal, nameof(o.MaxTotalBytes)) ?? o.MaxTotalBytes;
            o.MaxImageDimension = (int?)reader.Long(multimodal, nameof(o.MaxImageDimension), int.MaxValue) ?? o.MaxImageDimension;
            o.UnsupportedImagePolicy = reader.Enum<UnsupportedImagePolicy>(multimodal, nameof(o.UnsupportedImagePolicy)) ?? o.UnsupportedImagePolicy;
            o.PlaceholderText = Reader.String(multimodal, nameof(o.PlaceholderText)) ?? o.PlaceholderText;
            o.FallbackClient = Reader.String(multimodal, nameof(o.FallbackClient)) ?? o.FallbackClient;
            o.FallbackModelId = Reader.String(multimodal, nameof(o.FallbackModelId)) ?? o.FallbackModelId;
        }

        if (Section(configuration, nameof(ChatPipelineOptions.Routing)) is { } routing)
        {
            var o = options.Routing ??= new RoutingPipelineOptions();
            o.Enabled = reader.Bool(routing, nameof(o.Enabled)) ?? o.Enabled;
            o.DefaultClient = Reader.String(routing, nameof(o.DefaultClient)) ?? o.DefaultClient;
            foreach (var entry in Ordered(routing.GetSection(nameof(o.Routes))))
            {
                var route = new ModelRouteOptions
                {
                    Prefix = Reader.String(entry, nameof(ModelRouteOptions.Prefix)),
                    Client = Reader.String(entry, nameof(ModelRouteOptions.Client)),
                };
                route.StripPrefix = reader.Bool(entry, nameof(ModelRouteOptions.StripPrefix)) ?? route.StripPrefix;
                o.Routes.Add(route);
            }
        }

        if (Section(configuration, nameof(ChatPipelineOptions.Failover)) is { } failover)
        {
            var o = options.Failover ??= new FailoverPipelineOptions();
            o.Enabled = reader.Bool(failover, nameof(o.Enabled)) ?? o.Enabled;
            o.DelayBetweenAttempts = reader.TimeSpan(failover, nameof(o.DelayBetweenAttempts)) ?? o.DelayBetweenAttempts;
            o.AttemptTimeout = reader.TimeSpan(failover, nameof(o.AttemptTimeout)) ?? o.AttemptTimeout;
            o.RetryBeforeHandover = reader.Bool(failover, nameof(o.RetryBeforeHandover)) ?? o.RetryBeforeHandover;
            foreach (var entry in Ordered(failover.GetSection(nameof(o.Fallbacks))))
            {
                o.Fallbacks.Add(new FailoverEntryOptions
                {
                    Client = Reader.String(entry, nameof(FailoverEntryOptions.Client)),
                    ModelId = Reader.String(entry, nameof(FailoverEntryOptions.ModelId)),
                    Name = Reader.String(entry, nameof(FailoverEntryOptions.Name)),
                });
            }

            var kinds = failover.GetSection(nameof(o.FailoverOn));
            if (kinds.Exists())
            {
                o.FailoverOn = [];
                foreach (var kind in Ordered(kinds))
                {
                    if (reader.EnumValue<LlmErrorKind>(kind) is { } parsed)
                    {
                        o.FailoverOn.Add(parsed);
                    }
                }
            }
        }
    }

    internal static IConfigurationSection? Section(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        return section.Exists() ? section : null;
    }

    private static IEnumerable<IConfigurationSection> Ordered(IConfiguration section) =>
        section.GetChildren().OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue);

    private sealed class Reader(List<string> errors)
    {
        public static string? String(IConfiguration section, string key)
        {
            var value = section[key];
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        public static IEnumerable<string> StringList(IConfiguration section, string key)
        {
            var list = section.GetSection(key);
            if (!string.IsNullOrWhiteSpace(list.Value))
            {
                // A single value, or a comma-separated list (handy in environment variables).
                return list.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }

            return Ordered(list).Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
        }

        public bool? Bool(IConfiguration section, string key)
        {
            var value = String(section, key);
            if (value is null)
            {
                return null;
            }

            if (bool.TryParse(value, out var result))
            {
                return result;
            }

            errors.Add($"{PathOf(section, key)} is '{value}'; it must be true or false.");
            return null;
        }

        public long? Long(IConfiguration section, string key, long max = long.MaxValue)
        {
            var value = String(section, key);
            if (value is null)
            {
                return null;
            }

            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result) && result <= max)
            {
                return result;
            }

            errors.Add($"{PathOf(section, key)} is '{value}'; it must be a whole number{(max == long.MaxValue ? string.Empty : $" up to {max}")}.");
            return null;
        }

        public TimeSpan? TimeSpan(IConfiguration section, string key)
        {
            var value = String(section, key);
            if (value is null)
            {
                return null;
            }

            if (System.TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var result))
            {
                return result;
            }

            errors.Add($"{PathOf(section, key)} is '{value}'; it must be a time span such as 00:00:10 (hh:mm:ss).");
            return null;
        }

        public TEnum? Enum<TEnum>(IConfiguration section, string key)
            where TEnum : struct, Enum
        {
            var child = section.GetSection(key);
            return string.IsNullOrWhiteSpace(child.Value) ? null : EnumValue<TEnum>(child);
        }

        public TEnum? EnumValue<TEnum>(IConfigurationSection section)
            where TEnum : struct, Enum
        {
            var value = section.Value?.Trim();
            if (value is not null && !int.TryParse(value, out _) && System.Enum.TryParse<TEnum>(value, ignoreCase: true, out var result))
            {
                return result;
            }

            errors.Add($"{section.Path} is '{value}'; it must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}.");
            return null;
        }

        private static string PathOf(IConfiguration section, string key) =>
            section is IConfigurationSection s && s.Path.Length > 0 ? $"{s.Path}:{key}" : key;
    }
}
