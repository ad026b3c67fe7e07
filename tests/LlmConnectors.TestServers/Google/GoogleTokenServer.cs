using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.TestServers.Google;

/// <summary>
/// An offline Google OAuth token endpoint on loopback: <c>POST /token</c> answers the JWT-bearer grant of a service account (and the
/// refresh-token grant of an <c>authorized_user</c> file) with access tokens <c>ya29.scripted-1</c>, <c>ya29.scripted-2</c>, ...
/// <see cref="WriteServiceAccountFile"/> writes a service-account key (a fresh RSA key) whose <c>token_uri</c> points here, so
/// Google.Apis.Auth's own credential code runs against it.
/// </summary>
public sealed class GoogleTokenServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _grants = new();
    private int _issued;

    private GoogleTokenServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the server's root address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the token endpoint: <c>{BaseAddress}token</c>.</summary>
    public Uri TokenUri => new(BaseAddress, "token");

    /// <summary>Gets or sets the <c>expires_in</c> of the tokens issued, in seconds. Default: 3600. Below five minutes, Google.Apis.Auth treats a token as stale at once and fetches a new one per request.</summary>
    public int ExpiresInSeconds { get; set; } = 3600;

    /// <summary>Gets or sets a value indicating whether the server refuses every grant with 400 <c>invalid_grant</c>.</summary>
    public bool RefuseGrants { get; set; }

    /// <summary>Gets the number of tokens issued.</summary>
    public int IssuedCount => Volatile.Read(ref _issued);

    /// <summary>Gets the <c>grant_type</c> of each token request received, in order.</summary>
    public IReadOnlyList<string> Grants => [.. _grants];

    /// <summary>Starts a server on 127.0.0.1 and a free port.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The started server.</returns>
    public static async Task<GoogleTokenServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        GoogleTokenServer? server = null;
        app.MapPost("/token", context => server!.HandleAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new GoogleTokenServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>Writes a service-account key file whose <c>token_uri</c> is this server.</summary>
    /// <param name="directory">Where to write it.</param>
    /// <param name="projectId">The <c>project_id</c>.</param>
    /// <returns>The file's path.</returns>
    public string WriteServiceAccountFile(string directory, string projectId = "scripted-project")
    {
        using var rsa = RSA.Create(2048);
        var json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = projectId,
            ["private_key_id"] = "scripted-key-1",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = $"llmc-tests@{projectId}.iam.gserviceaccount.com",
            ["client_id"] = "100000000000000000001",
            ["auth_uri"] = new Uri(BaseAddress, "auth").ToString(),
            ["token_uri"] = TokenUri.ToString(),
        });
        var path = Path.Combine(directory, "service-account.json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        _grants.Enqueue(form["grant_type"].ToString());
        var response = context.Response;
        response.ContentType = "application/json";
        if (RefuseGrants)
        {
            response.StatusCode = 400;
            await response.WriteAsync("""{"error":"invalid_grant","error_description":"Invalid JWT Signature."}""", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var number = Interlocked.Increment(ref _issued);
        await response.WriteAsync(
            $$"""{"access_token":"ya29.scripted-{{number}}","expires_in":{{ExpiresInSeconds}},"token_type":"Bearer"}""", context.RequestAborted).ConfigureAwait(false);
    }
}
