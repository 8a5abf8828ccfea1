namespace Dealership.Workflows.Feel;

/// <summary>An expression that cannot be read; <see cref="Position"/> is the 1-based character where reading failed.</summary>
public sealed class FeelParseException(string message, int position)
    : Exception($"{message} (at position {position})")
{
    public int Position { get; } = position;
    public string Reason { get; } = message;
}

/// <summary>An expression that was read but cannot be evaluated with the given variables.</summary>
public sealed class FeelEvaluationException(string message) : Exception(message);
