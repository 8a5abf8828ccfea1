using System.Text.Json.Nodes;
using Dealership.Workflows.Feel;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Workflows.Tests.Feel;

/// <summary>Operators and paths at their edges: parts of dates and durations, indexes, three-valued logic, null and duration arithmetic.</summary>
public class Feel_operators_edge_Specs
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    private static readonly JsonObject Variables = JsonNode.Parse("""
        { "attempts": 2, "nothing": null, "tags": ["vip", "test-drive"] }
        """)!.AsObject();

    private static object? Eval(string expression) => FeelExpression.Parse(expression).Evaluate(Variables, Clock);

    [Theory]
    [InlineData("year", 2026)]
    [InlineData("month", 3)]
    [InlineData("day", 10)]
    [InlineData("hour", 11)]
    [InlineData("minute", 15)]
    [InlineData("second", 45)]
    [InlineData("weekday", 2)]
    public void Should_give_each_part_of_a_date(string part, int expected) =>
        Assert.Equal((decimal)expected, Eval($"date and time(\"2026-03-10T11:15:45+08:00\").{part}"));

    [Theory]
    [InlineData("2026-03-01T10:00:00Z", 7)]
    [InlineData("2026-03-02T10:00:00Z", 1)]
    [InlineData("2026-03-07T10:00:00Z", 6)]
    public void Should_count_weekdays_from_monday_as_1_to_sunday_as_7(string date, int expected) =>
        Assert.Equal((decimal)expected, Eval($"date and time(\"{date}\").weekday"));

    [Theory]
    [InlineData("days", 2)]
    [InlineData("hours", 3)]
    [InlineData("minutes", 4)]
    [InlineData("seconds", 5)]
    public void Should_give_each_part_of_a_duration(string part, int expected) =>
        Assert.Equal((decimal)expected, Eval($"duration(\"P2DT3H4M5S\").{part}"));

    [Fact]
    public void Should_give_null_for_a_part_a_date_or_duration_does_not_have()
    {
        Assert.Null(Eval("now().week"));
        Assert.Null(Eval("duration(\"PT1H\").weeks"));
    }

    [Theory]
    [InlineData("tags[1]", "vip")]
    [InlineData("tags[2]", "test-drive")]
    [InlineData("tags[-1]", "test-drive")]
    [InlineData("tags[-2]", "vip")]
    [InlineData("tags[0]", null)]
    [InlineData("tags[3]", null)]
    [InlineData("tags[-3]", null)]
    [InlineData("nothing[1]", null)]
    public void Should_index_a_list_from_1_or_from_its_end_and_give_null_outside_it(string expression, string? expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("false or false", false)]
    [InlineData("nothing or false", null)]
    [InlineData("false or nothing", null)]
    [InlineData("nothing or true", true)]
    [InlineData("nothing or nothing", null)]
    [InlineData("true and true", true)]
    [InlineData("nothing and false", false)]
    [InlineData("nothing and true", null)]
    public void Should_apply_three_valued_logic_on_either_side(string expression, bool? expected) => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("attempts < 2", false)]
    [InlineData("attempts >= 2", true)]
    [InlineData("attempts >= 3", false)]
    [InlineData("attempts > 2", false)]
    [InlineData("attempts <= 1", false)]
    [InlineData("\"b\" >= \"b\"", true)]
    [InlineData("duration(\"PT1H\") >= duration(\"PT60M\")", true)]
    [InlineData("duration(\"PT1H\") > duration(\"PT60M\")", false)]
    public void Should_order_equal_values_as_equal(string expression, bool expected) => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("attempts + nothing")]
    [InlineData("nothing * 2")]
    [InlineData("\"a\" + nothing")]
    [InlineData("now() - nothing")]
    [InlineData("-nothing")]
    public void Should_give_null_for_arithmetic_with_null(string expression) => Assert.Null(Eval(expression));

    [Theory]
    [InlineData("-duration(\"PT1H\")", -60)]
    [InlineData("duration(\"PT2H\") - duration(\"PT30M\")", 90)]
    [InlineData("2 * duration(\"PT2H\")", 240)]
    [InlineData("duration(\"PT2H\") * 2", 240)]
    [InlineData("duration(\"PT2H\") / 4", 30)]
    public void Should_negate_subtract_multiply_and_divide_durations(string expression, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), Eval(expression));

    [Fact]
    public void Should_add_a_duration_to_a_date_from_either_side() =>
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 9, 30, 0, TimeSpan.Zero), Eval("duration(\"P1D\") + now()"));

    [Theory]
    [InlineData("duration(\"PT2H\") / 0", "division by zero")]
    [InlineData("duration(\"P1D\") - now()", "cannot apply '-' to duration and date and time")]
    [InlineData("1 + duration(\"P1D\")", "cannot apply '+' to number and duration")]
    [InlineData("duration(\"P1D\") + 1", "cannot apply '+' to duration and number")]
    public void Should_refuse_arithmetic_that_has_no_meaning(string expression, string reason) =>
        Assert.Contains(reason, Assert.Throws<FeelEvaluationException>(() => Eval(expression)).Message);
}
