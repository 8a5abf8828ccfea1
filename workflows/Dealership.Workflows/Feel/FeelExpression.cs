using System.Text.Json.Nodes;

namespace Dealership.Workflows.Feel;

/// <summary>
/// A parsed FEEL expression of the subset in docs/feel.md. Parse once, evaluate many times; an
/// instance is immutable and safe to share between threads.
/// </summary>
public sealed class FeelExpression
{
    private readonly FeelNode _root;

    private FeelExpression(string text, FeelNode root)
    {
        Text = text;
        _root = root;
    }

    public string Text { get; }

    /// <summary>Reads an expression; throws <see cref="FeelParseException"/> with the position on a syntax error.</summary>
    public static FeelExpression Parse(string text)
    {
        var parser = new FeelParser(FeelLexer.Tokenize(text));
        return new FeelExpression(text, parser.ParseAll());
    }

    public static bool TryParse(string text, out FeelExpression? expression, out FeelParseException? error)
    {
        try
        {
            expression = Parse(text);
            error = null;
            return true;
        }
        catch (FeelParseException ex)
        {
            expression = null;
            error = ex;
            return false;
        }
    }

    /// <summary>Evaluates against JSON variables; names missing from them are null.</summary>
    public object? Evaluate(JsonObject? variables, TimeProvider clock) =>
        _root.Evaluate(new FeelEnvironment(name => variables is not null && variables.TryGetPropertyValue(name, out var node) ? (true, FeelValues.FromJson(node)) : (false, null), clock));

    /// <summary>Evaluates with a lookup of JSON variables by name (null when there is none).</summary>
    public object? Evaluate(Func<string, JsonNode?> lookup, TimeProvider clock) =>
        _root.Evaluate(new FeelEnvironment(name => lookup(name) is { } node ? (true, FeelValues.FromJson(node)) : (false, null), clock));

    public object? Evaluate(IReadOnlyDictionary<string, object?> variables, TimeProvider clock) =>
        _root.Evaluate(new FeelEnvironment(name => variables.TryGetValue(name, out var v) ? (true, v) : (false, null), clock));

    public override string ToString() => Text;
}

internal sealed class FeelEnvironment(Func<string, (bool Found, object? Value)> lookup, TimeProvider clock)
{
    public TimeProvider Clock { get; } = clock;
    public (bool Found, object? Value) Lookup(string name) => lookup(name);
}
