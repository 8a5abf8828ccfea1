using System.Text.Json.Nodes;
using Dealership.Workflows.Feel;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Workflows.Tests.Feel;

/// <summary>The built-in functions at their edges: null and missing values, arity, ties, and what an error names.</summary>
public class Feel_functions_edge_Specs
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    private static readonly JsonObject Variables = JsonNode.Parse("""
        { "outcome": "accepted", "nothing": null, "tags": ["vip", "test-drive"] }
        """)!.AsObject();

    private static object? Eval(string expression) => FeelExpression.Parse(expression).Evaluate(Variables, Clock);

    [Theory]
    [InlineData("number(\"12.5\")", 12.5)]
    [InlineData("number(\"-3\")", -3)]
    [InlineData("number(\"42\") + 1", 43)]
    public void Should_read_a_number_from_text(string expression, double expected) => Assert.Equal((decimal)expected, Eval(expression));

    [Fact]
    public void Should_let_every_built_in_function_be_called_by_its_name()
    {
        // A name with a space is one token only if the lexer knows it: is defined() was refused as "unexpected 'defined'".
        foreach (var name in FeelFunctions.Names)
        {
            var read = FeelExpression.TryParse($"{name}()", out _, out var error);

            Assert.True(read || error!.Reason.StartsWith($"{name}() takes", StringComparison.Ordinal), $"{name}: {error?.Reason}");
        }
    }

    [Theory]
    [InlineData("is defined(outcome)", true)]
    [InlineData("is defined(tags[1])", true)]
    [InlineData("is defined(nothing)", false)]
    [InlineData("is defined(unknownVariable)", false)]
    [InlineData("is defined(tags[5])", false)]
    public void Should_tell_whether_a_value_is_defined(string expression, bool expected) => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("not(true, false)", "not() takes 1 argument, not 2")]
    [InlineData("upper case()", "upper case() takes 1 argument, not 0")]
    [InlineData("contains(\"abc\")", "contains() takes 2 arguments, not 1")]
    [InlineData("substring(\"abc\")", "substring() takes 2 to 3 arguments, not 1")]
    [InlineData("substring(\"abc\", 1, 2, 3)", "substring() takes 2 to 3 arguments, not 4")]
    [InlineData("now(1)", "now() takes 0 arguments, not 1")]
    public void Should_say_how_many_arguments_a_function_takes(string expression, string reason) =>
        Assert.Equal(reason, Assert.Throws<FeelParseException>(() => FeelExpression.Parse(expression)).Reason);

    [Theory]
    [InlineData("min([\"b\", \"a\", \"c\"])", "a")]
    [InlineData("max([\"b\", \"a\", \"c\"])", "c")]
    [InlineData("string(min([duration(\"PT2H\"), duration(\"PT30M\")]))", "PT30M")]
    [InlineData("string(max([duration(\"PT2H\"), duration(\"PT30M\")]))", "PT2H")]
    public void Should_find_the_least_and_greatest_of_strings_and_durations(string expression, string expected) => Assert.Equal(expected, Eval(expression));

    [Fact]
    public void Should_give_null_for_the_least_or_greatest_of_an_empty_list()
    {
        Assert.Null(Eval("min([])"));
        Assert.Null(Eval("max([])"));
    }

    [Theory]
    [InlineData("min")]
    [InlineData("max")]
    public void Should_keep_the_first_of_equal_values_in_min_and_max(string function)
    {
        // The same instant in two offsets: which of them comes back decides the hour a flow reads from it.
        var expression = $"{function}([date and time(\"2026-03-02T17:30:00+08:00\"), date and time(\"2026-03-02T09:30:00Z\")]).hour";

        Assert.Equal(17m, Eval(expression));
    }

    [Theory]
    [InlineData("sum([1, nothing])", "sum(): expected a number but got null")]
    [InlineData("contains(1, \"a\")", "contains(): expected a string but got number")]
    [InlineData("count(\"abc\")", "count(): expected a list but got string")]
    [InlineData("true * 2", "cannot apply '*' to boolean and number")]
    [InlineData("now() * 2", "cannot apply '*' to date and time and number")]
    [InlineData("duration(\"PT1H\") < 1", "cannot compare duration with number")]
    [InlineData("{ a: 1 } < 2", "cannot compare context with number")]
    [InlineData("tags < 2", "cannot compare list with number")]
    [InlineData("outcome[1]", "cannot index a string")]
    [InlineData("-\"a\"", "cannot negate a string")]
    [InlineData("number(\"abc\")", "number(): \"abc\" is not a number")]
    [InlineData("date and time(\"tomorrow\")", "date and time(): \"tomorrow\" is not an ISO 8601 date and time")]
    [InlineData("date and time(5)", "date and time(): 5 is not an ISO 8601 date and time")]
    [InlineData("duration(5)", "duration(): 5 is not a duration string")]
    public void Should_name_the_value_or_its_type_in_an_evaluation_error(string expression, string reason) =>
        Assert.Contains(reason, Assert.Throws<FeelEvaluationException>(() => Eval(expression)).Message);
}
