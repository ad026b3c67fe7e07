// StructuredOutput: a typed result from any model. JSON enforcement asks for the schema (natively where the model
// supports it, by instruction where it does not) and cleans the answer; retry-with-validation asks again, with the
// validation errors, when the answer does not deserialize into the type.
//   Needs OPENROUTER_API_KEY (optionally OPENROUTER_MODEL, OPENROUTER_BASE_URL).
using LlmConnectors;
using Microsoft.Extensions.AI;

if (Environment.GetEnvironmentVariable("OPENROUTER_API_KEY") is not { Length: > 0 } apiKey)
{
    Console.WriteLine("Set OPENROUTER_API_KEY (https://openrouter.ai/keys) and run again. 'llmc doctor' checks the setup.");
    return 3;
}

var openRouter = new OpenRouterClientOptions
{
    ApiKey = apiKey,
    ModelId = Environment.GetEnvironmentVariable("OPENROUTER_MODEL") is { Length: > 0 } model ? model : "openai/gpt-4o-mini",
};
if (Environment.GetEnvironmentVariable("OPENROUTER_BASE_URL") is { Length: > 0 } baseUrl)
{
    openRouter.Endpoint = new Uri(baseUrl);
}

// Outermost first: retry-with-validation wraps JSON enforcement, so a JSON failure is asked again.
using IChatClient client = new OpenRouterChatClient(openRouter)
    .AsBuilder()
    .UseRetryWithValidation([ChatResponseValidators.DeserializesTo<Invoice>()], configure: retry => retry.MaxAttempts = 3)
    .UseJsonEnforcement()
    .Build();

const string Email = """
    Hi, please find our invoice INV-2041 for ACME Corp: 3 x "Widget" at 4.50 EUR and 1 x "Gadget" at 19.90 EUR.
    Total due 33.40 EUR by 30 November. Thanks, Jane
    """;

var result = await client.GetJsonResponseAsync<Invoice>($"Extract the invoice from this e-mail:\n{Email}");
var invoice = result.Result;

Console.WriteLine($"Invoice {invoice.Number} for {invoice.Customer}: {invoice.Total} {invoice.Currency}");
foreach (var line in invoice.Lines)
{
    Console.WriteLine($"  {line.Quantity} x {line.Description} at {line.UnitPrice}");
}

var attempts = result.Response.AdditionalProperties?.TryGetValue(ValidationResponseProperties.Attempts, out var value) == true ? value : 1;
Console.WriteLine($"Validated after {attempts} attempt(s); usage over all attempts: {result.Response.Usage?.TotalTokenCount ?? 0} tokens.");
Console.WriteLine($"JSON: {result.Json}");
return 0;

/// <summary>The shape we want back.</summary>
internal sealed record Invoice(string Number, string Customer, string Currency, decimal Total, IReadOnlyList<InvoiceLine> Lines);

/// <summary>One line of an invoice.</summary>
internal sealed record InvoiceLine(string Description, int Quantity, decimal UnitPrice);
