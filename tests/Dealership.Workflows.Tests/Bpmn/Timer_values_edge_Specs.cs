using Dealership.Workflows.Bpmn;

namespace Dealership.Workflows.Tests.Bpmn;

/// <summary>Literal timer values at their edges: a cycle's interval, and dates and durations that are not ISO 8601.</summary>
public class Timer_values_edge_Specs
{
    [Theory]
    [InlineData("R3/tomorrow", "\"tomorrow\" is not an ISO 8601 duration such as P1D or PT2H")]
    [InlineData("R/2030-01-15T10:00:00Z/P", "\"P\" is not an ISO 8601 duration such as P1D or PT2H")]
    [InlineData("R3/P1M", "\"P1M\" is a years-and-months duration, which is not supported; use days (P30D)")]
    [InlineData("R3/-PT1H", "the interval of a cycle must be positive")]
    public void Should_say_why_the_interval_of_a_timer_cycle_cannot_be_read(string text, string reason)
    {
        Assert.False(TimerValues.TryReadCycle(text, out var cycle, out var error));

        Assert.Null(cycle);
        Assert.Equal(reason, error);
        Assert.Equal(reason, TimerValues.CheckLiteral(TimerKind.Cycle, text));
    }

    [Theory]
    [InlineData("2030-01-15")]
    [InlineData("Tue, 15 Jan 2030 10:00:00 GMT")]
    public void Should_refuse_a_timer_date_that_is_not_an_iso_8601_date_and_time(string text) =>
        Assert.Equal($"\"{text}\" is not an ISO 8601 date and time such as 2026-01-15T10:00:00+08:00", TimerValues.CheckLiteral(TimerKind.Date, text));

    [Theory]
    [InlineData("PT24H", null)]
    [InlineData("P", "\"P\" is not an ISO 8601 duration such as P1D or PT2H")]
    [InlineData("P1Y", "\"P1Y\" is a years-and-months duration, which is not supported; use days (P30D)")]
    public void Should_check_a_literal_timer_duration(string text, string? reason) =>
        Assert.Equal(reason, TimerValues.CheckLiteral(TimerKind.Duration, text));
}
