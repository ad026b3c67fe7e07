using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>Requires the answer's text to match a regular expression (anywhere, unless the pattern is anchored).</summary>
public sealed class RegexResponseValidator : IChatResponseValidator
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    private readonly string _errorMessage;

    /// <summary>Initializes a new instance of the <see cref="RegexResponseValidator"/> class.</summary>
    /// <param name="pattern">The regular expression (.NET syntax).</param>
    /// <param name="options">The regular expression options.</param>
    /// <param name="errorMessage">The error sent to the model; by default <c>the answer must match the regular expression {pattern}</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is not a valid regular expression.</exception>
    public RegexResponseValidator(string pattern, RegexOptions options = RegexOptions.None, string? errorMessage = null)
        : this(new Regex(pattern ?? throw new ArgumentNullException(nameof(pattern)), options, DefaultTimeout), errorMessage)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RegexResponseValidator"/> class.</summary>
    /// <param name="regex">The regular expression; give it a match timeout.</param>
    /// <param name="errorMessage">The error sent to the model; by default <c>the answer must match the regular expression {pattern}</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="regex"/> is <see langword="null"/>.</exception>
    public RegexResponseValidator(Regex regex, string? errorMessage = null)
    {
        ArgumentNullException.ThrowIfNull(regex);
        Regex = regex;
        _errorMessage = string.IsNullOrWhiteSpace(errorMessage) ? $"the answer must match the regular expression {regex}" : errorMessage;
    }

    /// <summary>Gets the regular expression the answer must match.</summary>
    public Regex Regex { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public ValueTask<ChatResponseValidationResult> ValidateAsync(ChatResponse response, ChatResponseValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        bool isMatch;
        try
        {
            isMatch = Regex.IsMatch(response.Text);
        }
        catch (RegexMatchTimeoutException)
        {
            isMatch = false;
        }

        return new(isMatch ? ChatResponseValidationResult.Success : ChatResponseValidationResult.Failure(_errorMessage));
    }
}
