using System.Text.Json.Nodes;
using Dealership.Workflows.Feel;
using Microsoft.Extensions.Time.Testing;

namespace Dealership.Workflows.Tests.Feel;

/// <summary>Values at their edges: durations read and written back, dates as text, equality of every kind, JSON variables.</summary>
public class Feel_values_edge_Specs
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));

    private static readonly JsonObject Variables = JsonNode.Parse("""
        { "optedIn": true, "optedOut": false, "startsAt": "2026-03-10T10:00:00+08:00", "nothing": null }
        """)!.AsObject();

    private static object? Eval(string expression) => FeelExpression.Parse(expression).Evaluate(Variables, Clock);

    [Theory]
    [InlineData("PT1M30S", 90)]
    [InlineData("PT0.5S", 0.5)]
    [InlineData("-PT1H", -3600)]
    [InlineData("-P1DT1H", -90000)]
    [InlineData("P1W", 604800)]
    public void Should_read_seconds_weeks_and_negative_durations(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Eval($"duration(\"{text}\")"));

    [Theory]
    [InlineData("P", "\"P\" is not an ISO 8601 duration such as P1D or PT2H")]
    [InlineData("-P", "\"-P\" is not an ISO 8601 duration such as P1D or PT2H")]
    [InlineData("PT", "\"PT\" is not an ISO 8601 duration such as P1D or PT2H")]
    [InlineData("P1DT", "\"P1DT\" is not an ISO 8601 duration such as P1D or PT2H")]
    [InlineData("P1M", "\"P1M\" is a years-and-months duration, which is not supported; use days (P30D)")]
    [InlineData("-P1Y2M", "\"-P1Y2M\" is a years-and-months duration, which is not supported; use days (P30D)")]
    public void Should_refuse_a_duration_without_a_length_or_in_months(string text, string reason)
    {
        Assert.False(FeelValues.TryParseDuration(text, out _, out var error));

        Assert.Equal(reason, error);
    }

    [Theory]
    [InlineData("PT0S", "PT0S")]
    [InlineData("P1D", "P1D")]
    [InlineData("PT30M", "PT30M")]
    [InlineData("PT1H30M", "PT1H30M")]
    [InlineData("PT30S", "PT30S")]
    [InlineData("PT1.5S", "PT1.5S")]
    [InlineData("P1DT2H3M4S", "P1DT2H3M4S")]
    [InlineData("-PT1H", "-PT1H")]
    public void Should_write_a_duration_back_in_its_shortest_iso_form(string text, string expected) =>
        Assert.Equal(expected, Eval($"string(duration(\"{text}\"))"));

    [Theory]
    [InlineData("true = true", true)]
    [InlineData("true = false", false)]
    [InlineData("\"a\" = \"a\"", true)]
    [InlineData("1 = \"1\"", false)]
    [InlineData("duration(\"PT1H\") = duration(\"PT60M\")", true)]
    [InlineData("duration(\"PT1H\") = duration(\"PT2H\")", false)]
    [InlineData("[1, 2] = [1, 2]", true)]
    [InlineData("[1, 2] = [1, 3]", false)]
    [InlineData("[1] = [1, 2]", false)]
    [InlineData("{ a: 1 } = { a: 1 }", true)]
    [InlineData("{ a: 1 } = { b: 1 }", false)]
    [InlineData("{ a: 1 } = { a: 1, b: 2 }", false)]
    [InlineData("{ a: 1, b: 2 } = { a: 1, b: 3 }", false)]
    public void Should_compare_values_of_every_kind_for_equality(string expression, bool expected) => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("now() > \"2026-03-01T00:00:00Z\"", true)]
    [InlineData("\"2026-03-01T00:00:00Z\" < now()", true)]
    [InlineData("now() = \"2026-03-02T17:30:00+08:00\"", true)]
    [InlineData("now() = \"2026-03-02T09:30\"", true)]
    [InlineData("now() = \"Mon, 02 Mar 2026 09:30:00 GMT\"", false)]
    public void Should_read_iso_text_as_a_date_where_it_meets_a_date(string expression, bool expected) => Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("now() > \"12\"", "cannot compare date and time with string")]
    [InlineData("now() > \"Tuesday\"", "cannot compare date and time with string")]
    public void Should_refuse_to_order_a_date_against_text_that_is_not_one(string expression, string reason) =>
        Assert.Contains(reason, Assert.Throws<FeelEvaluationException>(() => Eval(expression)).Message);

    [Theory]
    [InlineData("2026-03-02")]
    [InlineData("Tue, 03 Mar 2026 09:30:00 GMT")]
    [InlineData("Tuesday")]
    public void Should_read_only_an_iso_8601_date_with_a_time_as_a_date_and_time(string text)
    {
        Assert.False(FeelValues.TryParseDateTime(text, out _));
        Assert.Throws<FeelEvaluationException>(() => Eval($"date and time(\"{text}\")"));
    }

    [Fact]
    public void Should_keep_a_date_in_a_json_variable_as_text_until_it_is_read_as_a_date()
    {
        Assert.Equal("2026-03-10T10:00:00+08:00", Eval("startsAt"));
        Assert.Equal(25m, Eval("string length(startsAt)"));
    }

    [Fact]
    public void Should_read_json_booleans()
    {
        Assert.Equal(true, Eval("optedIn"));
        Assert.Equal(false, Eval("optedOut"));
    }
}
