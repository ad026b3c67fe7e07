using System.Net;
using System.Text.Json;
using LlmConnectors.ClaudeProxy.Mapping;
using LlmConnectors.OpenAICompatible;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the configured model ids, in OpenAI's list shape.</summary>
internal static class ModelsEndpoints
{
    /// <summary>Writes the model list.</summary>
    /// <param name="context">The request.</param>
    /// <param name="catalog">The configured models.</param>
    /// <returns>A task that completes when the list is written.</returns>
    public static Task ListAsync(HttpContext context, ModelCatalog catalog)
    {
        var body = new ModelsResponse { Object = "list", Data = [.. catalog.ModelIds.Select(ToEntry)] };
        return WriteAsync(context, JsonSerializer.SerializeToUtf8Bytes(body, OpenAIWireJsonContext.Default.ModelsResponse));
    }

    /// <summary>Writes one model, or 404 <c>model_not_found</c>.</summary>
    /// <param name="context">The request.</param>
    /// <param name="catalog">The configured models.</param>
    /// <param name="id">The model id from the path.</param>
    /// <returns>A task that completes when the answer is written.</returns>
    public static Task GetAsync(HttpContext context, ModelCatalog catalog, string id)
    {
        var match = catalog.ModelIds.FirstOrDefault(m => string.Equals(m, id, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            return new ProxyError(HttpStatusCode.NotFound, $"The model '{ClientText.Quote(id)}' does not exist on this proxy. GET /v1/models lists the models it serves.", "invalid_request_error", "model", "model_not_found").WriteResponseAsync(context);
        }

        var body = new ModelsResponse { Object = "list", Data = [ToEntry(match)] }.Data![0];
        return WriteAsync(context, JsonSerializer.SerializeToUtf8Bytes(body, OpenAIWireJsonContext.Default.ModelEntry));
    }

    private static ModelEntry ToEntry(string id) => new() { Id = id, Object = "model", Created = 0, OwnedBy = "anthropic" };

    private static Task WriteAsync(HttpContext context, byte[] body)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
