// Multimodal: an image from a local file. The preprocessing middleware reads it (only under the allowed root),
// checks its type from the bytes, and sends it as base64. For a model that cannot take images (asked through the
// leaf client's capability lookup, here OpenRouter's model catalogue) it follows the policy you choose.
//   Needs OPENROUTER_API_KEY (optionally OPENROUTER_BASE_URL). Usage: dotnet run --project samples/Multimodal [image.png]
using LlmConnectors;
using Microsoft.Extensions.AI;

if (Environment.GetEnvironmentVariable("OPENROUTER_API_KEY") is not { Length: > 0 } apiKey)
{
    Console.WriteLine("Set OPENROUTER_API_KEY (https://openrouter.ai/keys) and run again. 'llmc doctor' checks the setup.");
    return 3;
}

var openRouter = new OpenRouterClientOptions { ApiKey = apiKey, ModelId = "openai/gpt-4o-mini" };
if (Environment.GetEnvironmentVariable("OPENROUTER_BASE_URL") is { Length: > 0 } baseUrl)
{
    openRouter.Endpoint = new Uri(baseUrl);
}

// Local images may only come from this folder: ../ tricks and symbolic links out of it are refused.
var imagesFolder = Path.Combine(AppContext.BaseDirectory, "images");
var imagePath = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(imagesFolder, "chart.png");

using IChatClient client = new OpenRouterChatClient(openRouter)
    .AsBuilder()
    .UseMultimodalPreprocessing(configure: images =>
    {
        images.AllowedRoot = Path.GetDirectoryName(imagePath);
        images.MaxImageBytes = 5 * 1024 * 1024;

        // A text-only model gets a placeholder instead of a failed request.
        images.UnsupportedImagePolicy = UnsupportedImagePolicy.ReplaceWithPlaceholder;
    })
    .Build();

ChatMessage question = new(ChatRole.User,
[
    new TextContent("What does this chart show? One sentence."),
    new UriContent(new Uri(imagePath), "image/png"),
]);

foreach (var model in new[] { "openai/gpt-4o-mini", "meta-llama/llama-3.1-8b-instruct" })
{
    var response = await client.GetResponseAsync([question], new ChatOptions { ModelId = model });
    Console.WriteLine($"{model}: {response.Text}");
}

return 0;
