using System.Text.Json.Nodes;
using Dealership.Workflows.Feel;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Workflows.Tests.Feel;

/// <summary>Reading expressions at their edges: escapes, numbers, positions in errors, reserved words, names with spaces.</summary>
public class Feel_reading_edge_Specs
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    private static object? Eval(string expression) => FeelExpression.Parse(expression).Evaluate(new JsonObject(), Clock);

    [Theory]
    [InlineData("\"a\\\\b\"", "a\\b")]
    [InlineData("\"a\\tb\"", "a\tb")]
    [InlineData("\"a\\rb\"", "a\rb")]
    [InlineData("\"\\u4e0a\\u6d77\"", "上海")]
    [InlineData("\"\\u0041BC\"", "ABC")]
    public void Should_read_every_escape_of_a_string(string expression, string expected) => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("\"abc\\", 1, "string is not closed")]
    [InlineData("\"\\u0041", 1, "string is not closed")]
    [InlineData("\"\\u00\"", 2, "unknown escape '\\u' in string")]
    [InlineData("\"a\\x\"", 3, "unknown escape '\\x' in string")]
    public void Should_refuse_a_string_cut_short_or_with_an_unknown_escape_at_its_position(string expression, int position, string reason)
    {
        var error = Assert.Throws<FeelParseException>(() => FeelExpression.Parse(expression));

        Assert.Equal(position, error.Position);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(".5", 0.5)]
    [InlineData("1.25", 1.25)]
    [InlineData("2 * .5", 1)]
    public void Should_read_a_number_with_or_without_a_leading_digit(string expression, double expected) => Assert.Equal((decimal)expected, Eval(expression));

    [Theory]
    [InlineData("1 2", 3, "unexpected '2'")]
    [InlineData("1 \"a\"", 3, "unexpected 'a'")]
    [InlineData("lead.", 6, "expected a name after '.'")]
    [InlineData("1.", 3, "expected a name after '.'")]
    [InlineData("1 + .", 5, "unexpected '.'")]
    [InlineData("1 + starts with(\"a\")", 5, "starts with() takes 2 arguments, not 1")]
    [InlineData("(1 + 2", 7, "expected ')' but the expression ended")]
    [InlineData("(1 + 2]", 7, "expected ')' but found ']'")]
    public void Should_report_a_parse_error_at_the_token_that_caused_it(string expression, int position, string reason)
    {
        var error = Assert.Throws<FeelParseException>(() => FeelExpression.Parse(expression));

        Assert.Equal(position, error.Position);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData("and", "unexpected 'and'")]
    [InlineData("or", "unexpected 'or'")]
    [InlineData("if", "unexpected 'if'")]
    [InlineData("then", "unexpected 'then'")]
    [InlineData("else", "unexpected 'else'")]
    [InlineData("in", "unexpected 'in'")]
    [InlineData("return", "unexpected 'return'")]
    [InlineData("satisfies", "unexpected 'satisfies'")]
    [InlineData("of", "unexpected 'of'")]
    [InlineData("for", "'for' expressions are not supported")]
    [InlineData("some", "'some' expressions are not supported")]
    [InlineData("every", "'every' expressions are not supported")]
    [InlineData("between", "'between' expressions are not supported")]
    [InlineData("instance", "'instance' expressions are not supported")]
    [InlineData("function", "'function' expressions are not supported")]
    public void Should_refuse_a_reserved_word_where_a_value_is_expected(string word, string reason)
    {
        var error = Assert.Throws<FeelParseException>(() => FeelExpression.Parse("1 + " + word));

        Assert.Equal(5, error.Position);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Should_read_a_name_that_only_begins_like_a_built_in_function_as_words_of_its_own()
    {
        var variables = new Dictionary<string, object?> { ["date"] = true, ["timeout"] = false };

        Assert.Equal(false, FeelExpression.Parse("date and timeout").Evaluate(variables, Clock));
    }

    [Fact]
    public void Should_read_a_built_in_functions_name_at_the_very_end_of_an_expression() =>
        // Without its brackets it is a name like any other; reading it must not run past the end of the text.
        Assert.Null(Eval("1 + upper case"));

    [Fact]
    public void Should_accept_an_expression_at_its_limits_of_64_levels_and_2000_tokens()
    {
        Assert.Equal(1m, Eval(new string('(', 63) + "1" + new string(')', 63)));
        Assert.Equal(1000m, Eval(string.Concat(Enumerable.Repeat("1 + ", 999)) + "1"));
    }

    [Fact]
    public void Should_build_an_empty_list_and_an_empty_context()
    {
        Assert.Equal(new List<object?>(), Eval("[]"));
        Assert.Equal(0m, Eval("count([])"));
        Assert.Equal(new Dictionary<string, object?>(), Eval("{}"));
    }
}
