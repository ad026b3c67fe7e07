using LlmConnectors.ClaudeCli;

namespace LlmConnectors.Tests.ClaudeCli;

public sealed class ClaudeCliErrorsTests
{
    [Theory]
    [InlineData("error_max_turns")]
    [InlineData("error_max_budget_usd")]
    [InlineData("error_max_structured_output_retries")]
    public void KindFromCode_LimitsOfTheHostOrTheModel_AreNotBlamedOnTheRequest(string code)
    {
        Assert.Equal(LlmErrorKind.ServerError, ClaudeCliErrors.KindFromCode(code));
    }

    [Fact]
    public void KindFromCode_InvalidRequest_StaysInvalidRequest()
    {
        Assert.Equal(LlmErrorKind.InvalidRequest, ClaudeCliErrors.KindFromCode("invalid_request"));
    }
}
