using System.Text.Json.Nodes;
using Dealership.Workflows.Feel;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Workflows.Tests.Feel;

public class Feel_expression_Specs
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    private static readonly JsonObject Variables = JsonNode.Parse("""
        {
          "outcome": "accepted",
          "attempts": 2,
          "price": 199.5,
          "optedOut": false,
          "nothing": null,
          "lead": { "source": "oem", "customer": { "name": "Chen Wei", "city": "Shanghai" } },
          "tags": ["vip", "test-drive"],
          "appointment": { "startsAt": "2026-03-10T10:00:00+08:00" },
          "orders": [ { "total": 10 }, { "total": 32 } ]
        }
        """)!.AsObject();

    private static object? Eval(string expression) => FeelExpression.Parse(expression).Evaluate(Variables, Clock);

    [Theory]
    [InlineData("42", 42)]
    [InlineData("3.25", 3.25)]
    [InlineData("-7", -7)]
    public void Should_read_number_literals(string expression, double expected) => Assert.Equal((decimal)expected, Eval(expression));

    [Fact]
    public void Should_read_string_boolean_and_null_literals()
    {
        Assert.Equal("say \"hi\"\n", Eval("\"say \\\"hi\\\"\\n\""));
        Assert.Equal(true, Eval("true"));
        Assert.Equal(false, Eval("false"));
        Assert.Null(Eval("null"));
    }

    [Fact]
    public void Should_follow_paths_into_variables()
    {
        Assert.Equal("accepted", Eval("outcome"));
        Assert.Equal("Shanghai", Eval("lead.customer.city"));
        Assert.Null(Eval("lead.missing.deeper"));
        Assert.Null(Eval("unknownVariable"));
        Assert.Equal(new List<object?> { 10m, 32m }, Eval("orders.total"));
    }

    [Theory]
    [InlineData("outcome = \"accepted\"", true)]
    [InlineData("outcome != \"accepted\"", false)]
    [InlineData("attempts < 3", true)]
    [InlineData("attempts <= 2", true)]
    [InlineData("attempts > 2", false)]
    [InlineData("attempts >= 3", false)]
    [InlineData("nothing = null", true)]
    [InlineData("outcome = null", false)]
    [InlineData("\"abc\" < \"abd\"", true)]
    public void Should_compare(string expression, bool expected) => Assert.Equal(expected, Eval(expression));

    [Fact]
    public void Should_give_null_when_ordering_against_null() => Assert.Null(Eval("nothing < 3"));

    [Theory]
    [InlineData("true and attempts = 2", true)]
    [InlineData("true and false", false)]
    [InlineData("false or attempts = 2", true)]
    [InlineData("not(optedOut)", true)]
    [InlineData("not(outcome = \"accepted\") or attempts > 1", true)]
    [InlineData("false and nothing", false)]
    [InlineData("true or nothing", true)]
    public void Should_combine_with_and_or_not(string expression, bool expected) => Assert.Equal(expected, Eval(expression));

    [Fact]
    public void Should_apply_three_valued_logic_to_null()
    {
        Assert.Null(Eval("true and nothing"));
        Assert.Null(Eval("false or nothing"));
        Assert.Null(Eval("not(nothing)"));
    }

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 / 4", 2.5)]
    [InlineData("attempts - 5", -3)]
    [InlineData("2 ** 3", 8)]
    [InlineData("price * 2", 399)]
    public void Should_do_arithmetic(string expression, double expected) => Assert.Equal((decimal)expected, Eval(expression));

    [Fact]
    public void Should_concatenate_strings() => Assert.Equal("oem-2", Eval("lead.source + \"-\" + string(attempts)"));

    [Fact]
    public void Should_choose_with_if_then_else()
    {
        Assert.Equal("retry", Eval("if attempts < 3 then \"retry\" else \"give up\""));
        Assert.Equal("give up", Eval("if attempts > 3 then \"retry\" else \"give up\""));
        // A null condition takes the else branch.
        Assert.Equal("no", Eval("if nothing then \"yes\" else \"no\""));
    }

    [Fact]
    public void Should_build_lists_and_test_membership_with_in()
    {
        Assert.Equal(new List<object?> { 1m, "a", true }, Eval("[1, \"a\", true]"));
        Assert.Equal(true, Eval("outcome in [\"accepted\", \"booked\"]"));
        Assert.Equal(false, Eval("outcome in [\"declined\"]"));
        Assert.Equal(true, Eval("\"vip\" in tags"));
        Assert.Equal("test-drive", Eval("tags[2]"));
        Assert.Equal("test-drive", Eval("tags[-1]"));
        Assert.Equal(2m, Eval("count(tags)"));
        Assert.Equal(42m, Eval("sum(orders.total)"));
        Assert.Equal(true, Eval("list contains(tags, \"vip\")"));
    }

    [Fact]
    public void Should_build_contexts() =>
        Assert.Equal("oem", ((Dictionary<string, object?>)Eval("{ source: lead.source, n: 1 }")!)["source"]);

    [Theory]
    [InlineData("contains(lead.customer.name, \"Wei\")", true)]
    [InlineData("starts with(lead.customer.name, \"Chen\")", true)]
    [InlineData("ends with(lead.customer.name, \"Chen\")", false)]
    public void Should_test_strings(string expression, bool expected) => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("upper case(lead.source)", "OEM")]
    [InlineData("lower case(\"ABC\")", "abc")]
    [InlineData("substring(\"invitation\", 3)", "vitation")]
    [InlineData("substring(\"invitation\", 1, 6)", "invita")]
    [InlineData("substring(\"invitation\", -3)", "ion")]
    [InlineData("string(3.5)", "3.5")]
    public void Should_transform_strings(string expression, string expected) => Assert.Equal(expected, Eval(expression));

    [Fact]
    public void Should_measure_string_length() => Assert.Equal(8m, Eval("string length(lead.customer.name)"));

    [Fact]
    public void Should_read_the_clock_with_now() => Assert.Equal(Clock.GetUtcNow(), Eval("now()"));

    [Fact]
    public void Should_read_dates_and_durations()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 10, 0, 0, TimeSpan.FromHours(8)), Eval("date and time(\"2026-03-10T10:00:00+08:00\")"));
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 10, 0, 0, TimeSpan.Zero), Eval("date and time(\"2026-03-10T10:00:00\")"));
        Assert.Equal(TimeSpan.FromDays(1), Eval("duration(\"P1D\")"));
        Assert.Equal(TimeSpan.FromHours(2), Eval("duration(\"PT2H\")"));
        Assert.Equal(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(30), Eval("duration(\"P1DT30M\")"));
        Assert.Equal(TimeSpan.FromDays(14), Eval("duration(\"P2W\")"));
    }

    [Fact]
    public void Should_add_and_subtract_durations_from_dates()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 9, 30, 0, TimeSpan.Zero), Eval("now() + duration(\"P1D\")"));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 7, 30, 0, TimeSpan.Zero), Eval("now() - duration(\"PT2H\")"));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.FromHours(8)),
            Eval("date and time(appointment.startsAt) - duration(\"P1D\")"));
        Assert.Equal(TimeSpan.FromHours(3), Eval("duration(\"PT1H\") + duration(\"PT2H\")"));
        Assert.Equal(TimeSpan.FromHours(4), Eval("duration(\"PT2H\") * 2"));
    }

    [Fact]
    public void Should_read_an_iso_string_as_a_date_when_combined_with_a_duration() =>
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.FromHours(8)), Eval("appointment.startsAt - duration(\"P1D\")"));

    [Fact]
    public void Should_compare_dates()
    {
        Assert.Equal(true, Eval("date and time(appointment.startsAt) > now()"));
        Assert.Equal(true, Eval("now() < date and time(\"2026-03-02T10:00:00Z\")"));
        Assert.Equal(true, Eval("date and time(\"2026-03-02T17:30:00+08:00\") = now()"));
        Assert.Equal(false, Eval("now() + duration(\"PT1M\") <= now()"));
    }

    [Fact]
    public void Should_give_date_parts_and_the_difference_of_two_dates()
    {
        Assert.Equal(2026m, Eval("now().year"));
        Assert.Equal(TimeSpan.FromHours(24), Eval("now() + duration(\"P1D\") - now()"));
    }

    [Theory]
    [InlineData("1 +", 4, "ended")]
    [InlineData("outcome = \"accepted", 11, "not closed")]
    [InlineData("a # b", 3, "unexpected character")]
    [InlineData("if x then 1", 12, "expected 'else'")]
    [InlineData("foo(1)", 1, "unknown function")]
    [InlineData("contains(\"a\")", 1, "takes 2 arguments")]
    [InlineData("(1 + 2", 7, "expected ')'")]
    [InlineData("[1..3]", 3, "ranges are not supported")]
    [InlineData("for x in y return x", 1, "not supported")]
    [InlineData("", 1, "empty")]
    public void Should_report_parse_errors_with_their_position(string expression, int position, string reason)
    {
        var error = Assert.Throws<FeelParseException>(() => FeelExpression.Parse(expression));

        Assert.Equal(position, error.Position);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("(", 65, "nests deeper than 64 levels")]
    [InlineData("-", 100, "nests deeper than 64 levels")]
    [InlineData("2 ** ", 100, "nests deeper than 64 levels")]
    [InlineData("[", 100, "nests deeper than 64 levels")]
    [InlineData("1 + ", 1500, "too long")]
    public void Should_refuse_an_expression_that_would_recurse_without_end(string repeated, int times, string reason)
    {
        var expression = string.Concat(Enumerable.Repeat(repeated, times)) + "1";

        var error = Assert.Throws<FeelParseException>(() => FeelExpression.Parse(expression));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Should_still_evaluate_deeply_parenthesised_expressions()
    {
        Assert.Equal(1m, Eval(new string('(', 60) + "1" + new string(')', 60)));
    }

    [Theory]
    [InlineData("outcome * 2", "cannot apply '*' to string and number")]
    [InlineData("attempts < \"x\"", "cannot compare number with string")]
    [InlineData("duration(\"P1M\")", "years-and-months")]
    [InlineData("date and time(\"tomorrow\")", "not an ISO 8601 date and time")]
    [InlineData("1 / 0", "division by zero")]
    public void Should_fail_evaluation_with_a_reason(string expression, string reason)
    {
        var error = Assert.Throws<FeelEvaluationException>(() => Eval(expression));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Should_turn_values_back_into_json()
    {
        Assert.Equal("2026-03-03T09:30:00+00:00", FeelValues.ToJson(Eval("now() + duration(\"P1D\")"))!.GetValue<string>());
        Assert.Equal("\"P1DT2H\"", FeelValues.ToJson(Eval("duration(\"P1DT2H\")"))!.ToJsonString());
        Assert.Equal("{\"a\":[1,\"x\"]}", FeelValues.ToJson(Eval("{a: [1, \"x\"]}"))!.ToJsonString());
    }

    [Theory]
    [InlineData("upper case(nothing)")]
    [InlineData("lower case(nothing)")]
    [InlineData("string length(nothing)")]
    [InlineData("string(nothing)")]
    [InlineData("number(nothing)")]
    [InlineData("count(nothing)")]
    [InlineData("sum(nothing)")]
    [InlineData("min(nothing)")]
    [InlineData("max(nothing)")]
    [InlineData("list contains(nothing, 1)")]
    [InlineData("contains(nothing, \"a\")")]
    [InlineData("contains(\"a\", nothing)")]
    [InlineData("starts with(\"a\", nothing)")]
    [InlineData("substring(nothing, 1)")]
    [InlineData("substring(\"abc\", nothing)")]
    public void Should_give_null_for_a_missing_argument_of_a_built_in_function(string expression) => Assert.Null(Eval(expression));

    [Theory]
    [InlineData("string(true)", "true")]
    [InlineData("string(optedOut)", "false")]
    [InlineData("upper case(\"Chen\")", "CHEN")]
    [InlineData("lower case(\"Chen\")", "chen")]
    [InlineData("substring(\"Shanghai\", 1)", "Shanghai")]
    [InlineData("substring(\"Shanghai\", 6)", "hai")]
    [InlineData("substring(\"Shanghai\", 9)", "")]
    [InlineData("substring(\"Shanghai\", -3)", "hai")]
    [InlineData("substring(\"Shanghai\", -8)", "Shanghai")]
    [InlineData("substring(\"Shanghai\", 6, 10)", "hai")]
    public void Should_work_strings_with_the_built_in_functions(string expression, string expected) => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("min([3, 1, 2])", 1)]
    [InlineData("max([3, 1, 2])", 3)]
    [InlineData("count(tags)", 2)]
    [InlineData("string length(\"上海\")", 2)]
    public void Should_work_lists_and_lengths_with_the_built_in_functions(string expression, double expected) => Assert.Equal((decimal)expected, Eval(expression));

    [Theory]
    [InlineData("substring(\"Shanghai\", 0)", "substring(): start position 0 is outside a string of length 8 (at position 1)")]
    [InlineData("substring(\"Shanghai\", 10)", "substring(): start position 10 is outside a string of length 8 (at position 1)")]
    [InlineData("substring(\"Shanghai\", -9)", "substring(): start position -9 is outside a string of length 8 (at position 1)")]
    public void Should_refuse_a_substring_start_outside_the_string(string expression, string reason) =>
        Assert.Equal(reason, Assert.Throws<FeelEvaluationException>(() => Eval(expression)).Message);
}
