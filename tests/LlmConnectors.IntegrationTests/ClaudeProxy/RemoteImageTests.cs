using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static LlmConnectors.IntegrationTests.ClaudeProxy.ProxyTestHelpers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

/// <summary>The proxy's remote image_url downloads go through the library's one downloader, with its rules, against a real image server on loopback.</summary>
public sealed class RemoteImageTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Request(string url) =>
        $$$"""{"model":"sonnet","messages":[{"role":"user","content":[{"type":"text","text":"What is it?"},{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]}""";

    private static async Task<(WebApplication App, string Address)> StartImageServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/cat.png", () => Results.Bytes(Png, "image/png"));
        app.MapGet("/page", () => Results.Text("<html></html>", "text/html"));
        app.MapGet("/moved", () => Results.Redirect("ftp://127.0.0.1/cat.png"));
        await app.StartAsync(Ct);
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    [Fact]
    public async Task RemoteImage_OnLoopback_RefusedUnlessPrivateNetworksAllowed()
    {
        var (images, address) = await StartImageServerAsync();
        await using var _ = images;
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:AllowRemoteImages"] = "true" });
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, Request(address + "/cat.png?sig=secret"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "invalid_image_url", "messages[0].content[1].image_url.url");
        var message = body.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains("ClaudeProxy:AllowPrivateNetworkImages", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
        Assert.Equal(0, factory.Client.Calls);
    }

    [Fact]
    public async Task RemoteImage_Allowed_DownloadedAndPassedAsSniffedData()
    {
        var (images, address) = await StartImageServerAsync();
        await using var _ = images;
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:AllowRemoteImages"] = "true", ["ClaudeProxy:AllowPrivateNetworkImages"] = "true" });
        using var client = factory.CreateClient();

        var (status, _, _) = await PostJsonAsync(client, Request(address + "/cat.png"));

        Assert.Equal(HttpStatusCode.OK, status);
        var image = Assert.IsType<DataContent>(factory.Client.LastMessages![0].Contents[1]);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(Png, image.Data.ToArray());
    }

    [Theory]
    [InlineData("/page", "Content-Type 'text/html'")]
    [InlineData("/moved", "redirected to a 'ftp:' URL")]
    public async Task RemoteImage_RulesOfTheLibrary_AnswerBadRequest(string path, string expected)
    {
        var (images, address) = await StartImageServerAsync();
        await using var _ = images;
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:AllowRemoteImages"] = "true", ["ClaudeProxy:AllowPrivateNetworkImages"] = "true" });
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, Request(address + path));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("error").GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteImage_HostOffTheList_Refused()
    {
        var (images, address) = await StartImageServerAsync();
        await using var _ = images;
        await using var factory = new ProxyFactory(new()
        {
            ["ClaudeProxy:AllowRemoteImages"] = "true",
            ["ClaudeProxy:AllowPrivateNetworkImages"] = "true",
            ["ClaudeProxy:RemoteImageHosts:0"] = ".images.example",
        });
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, Request(address + "/cat.png"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("ClaudeProxy:RemoteImageHosts", body.GetProperty("error").GetProperty("message").GetString()!, StringComparison.Ordinal);
    }
}
