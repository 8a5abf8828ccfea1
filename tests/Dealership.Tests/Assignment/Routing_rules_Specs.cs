using Dealership.Assignment.Roster;
using Dealership.Assignment.Routing;

namespace Dealership.Tests.Assignment;

/// <summary>The rules engine on its own: each step, the order of rules, caps and working hours, and the recorded reason.</summary>
public class Routing_rules_Specs
{
    // Friday 2026-11-27, 10:00 in Shanghai.
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-27T10:00+08:00");
    private static readonly RoutingSettings Settings = new() { DealershipCode = "DEMO01", TimeZone = "Asia/Shanghai" };

    private static Consultant C(string name, int minutesSinceLastLead = 60, int open = 0, int? cap = null, string? team = null,
        string[]? skills = null, string[]? languages = null, bool onDuty = true) => new()
    {
        Id = Guid.NewGuid(), Name = name, Phone = "+8613800138001", OpenLeads = open, MaxOpenLeads = cap, Team = team,
        Skills = [.. skills ?? []], Languages = [.. languages ?? []], OnDuty = onDuty,
        LastAssignedAt = Now.AddMinutes(-minutesSinceLastLead),
    };

    private static LeadFacts Lead(string source = "oem", string? vehicle = null, string? language = null) =>
        new(Guid.NewGuid(), source, "+8613912345678", vehicle, language);

    private static RoutingRule Rule(string name, params RoutingStep[] steps) => new() { Name = name, Steps = [.. steps] };

    [Fact]
    public void Should_give_a_returning_customer_to_the_previous_consultant()
    {
        var wang = C("Wang", minutesSinceLastLead: 1);
        var li = C("Li", minutesSinceLastLead: 90);

        var decision = Router.Decide(Lead(), Settings, [], [wang, li], previousConsultantId: wang.Id, Now);

        Assert.Same(wang, decision.Consultant);
        Assert.Contains("returning customer: previous consultant", decision.Reason);
        Assert.Contains("rule 'default'", decision.Reason);
    }

    [Fact]
    public void Should_not_give_a_returning_customer_to_a_previous_consultant_at_the_cap()
    {
        var wang = C("Wang", open: 3, cap: 3);
        var li = C("Li");

        var decision = Router.Decide(Lead(), Settings, [], [wang, li], previousConsultantId: wang.Id, Now);

        Assert.Same(li, decision.Consultant);
        Assert.Contains("Wang (at cap 3/3)", decision.Reason);
    }

    [Fact]
    public void Should_match_the_vehicle_and_language_to_the_consultants_skills()
    {
        var wang = C("Wang", minutesSinceLastLead: 500, skills: ["Passat"]);
        var li = C("Li", minutesSinceLastLead: 5, skills: ["ID.4", "Tiguan"], languages: ["en"]);
        var zhang = C("Zhang", minutesSinceLastLead: 100, skills: ["ID.4"]);

        var decision = Router.Decide(Lead(vehicle: "ID.4 Crozz", language: "en"), Settings, [], [wang, li, zhang], null, Now);

        Assert.Same(li, decision.Consultant);
        Assert.Contains("skill match (vehicle ID.4 Crozz, language en)", decision.Reason);
    }

    [Fact]
    public void Should_go_round_robin_to_whoever_had_a_lead_longest_ago_skipping_the_unavailable()
    {
        var wang = C("Wang", minutesSinceLastLead: 10);
        var li = C("Li", minutesSinceLastLead: 30);
        var zhang = C("Zhang", minutesSinceLastLead: 300, onDuty: false);
        var zhao = C("Zhao", minutesSinceLastLead: 200, open: 5, cap: 5);

        var decision = Router.Decide(Lead(), Settings, [Rule("all", RoutingStep.RoundRobin)], [wang, li, zhang, zhao], null, Now);

        Assert.Same(li, decision.Consultant);
        Assert.Equal("rule 'all' → round robin: next in turn of 2 available: Li (0 open); candidates: Wang 0, Li 0; not available: Zhang (off duty), Zhao (at cap 5/5)",
            decision.Reason);
    }

    [Fact]
    public void Should_pick_the_least_loaded()
    {
        var wang = C("Wang", open: 4, cap: 10, minutesSinceLastLead: 500);
        var li = C("Li", open: 1, cap: 10, minutesSinceLastLead: 1);

        var decision = Router.Decide(Lead(), Settings, [Rule("load", RoutingStep.LeastLoaded)], [wang, li], null, Now);

        Assert.Same(li, decision.Consultant);
        Assert.Contains("least loaded of 2 available: Li (1/10 open)", decision.Reason);
    }

    [Fact]
    public void Should_choose_the_rule_by_source_channel_and_team()
    {
        var rules = new List<RoutingRule>
        {
            new() { Name = "events to the event team", Priority = 0, Sources = ["marketing-event"], Team = "events", Steps = [RoutingStep.RoundRobin] },
            new() { Name = "OEM leads to the pool", Priority = 1, Sources = ["oem"], Steps = [RoutingStep.Pool] },
        };
        var wang = C("Wang", team: "showroom", minutesSinceLastLead: 500);
        var li = C("Li", team: "events");

        var fromEvent = Router.Decide(Lead("marketing-event"), Settings, rules, [wang, li], null, Now);
        var fromOem = Router.Decide(Lead("oem"), Settings, rules, [wang, li], null, Now);
        var walkIn = Router.Decide(Lead("walk-in"), Settings, rules, [wang, li], null, Now);

        Assert.Same(li, fromEvent.Consultant);
        Assert.Equal(DecisionKind.Pool, fromOem.Kind);
        Assert.Contains("rule 'OEM leads to the pool': open pool", fromOem.Reason);
        Assert.Same(wang, walkIn.Consultant);
        Assert.Equal("default", walkIn.Rule);
    }

    [Fact]
    public void Should_fall_through_to_the_supervisor_queue_when_nobody_qualifies()
    {
        var wang = C("Wang", open: 2, cap: 2);

        var decision = Router.Decide(Lead(), Settings, [Rule("skills only", RoutingStep.SkillMatch, RoutingStep.RoundRobin)], [wang], null, Now);

        Assert.Equal(DecisionKind.SupervisorQueue, decision.Kind);
        Assert.Contains("supervisor queue, no consultant qualifies (0 available); not available: Wang (at cap 2/2)", decision.Reason);
    }

    [Fact]
    public void Should_wait_for_the_next_shift_or_go_to_whoever_is_on_duty_outside_working_hours_by_setting()
    {
        var wang = C("Wang");
        wang.WorkingHours = [new Shift(DayOfWeek.Saturday, new(9, 0), new(18, 0))];
        var night = DateTimeOffset.Parse("2026-11-27T23:00+08:00");

        var waits = Router.Decide(Lead(), Settings, [], [wang], null, night);
        var goes = Router.Decide(Lead(), new RoutingSettings { DealershipCode = "DEMO01", OutsideHours = OutsideHoursPolicy.WhoeverIsOnDuty }, [], [wang], null, night);

        Assert.Equal(DecisionKind.Wait, waits.Kind);
        Assert.Equal(DateTimeOffset.Parse("2026-11-28T09:00+08:00"), waits.WaitUntil);
        Assert.Contains("waits for the next shift at 2026-11-28 09:00 (Asia/Shanghai)", waits.Reason);
        Assert.Same(wang, goes.Consultant);
        Assert.Contains("outside working hours: to whoever is on duty", goes.Reason);
    }

    [Fact]
    public void Should_route_in_working_hours_to_those_working_and_say_who_is_off()
    {
        var day = C("Day", minutesSinceLastLead: 1);
        day.WorkingHours = [new Shift(DayOfWeek.Friday, new(9, 0), new(18, 0))];
        var night = C("Night", minutesSinceLastLead: 999);
        night.WorkingHours = [new Shift(DayOfWeek.Friday, new(22, 0), new(6, 0))];
        var off = C("Off", minutesSinceLastLead: 999);
        off.DaysOff = [new DateOnly(2026, 11, 27)];

        var decision = Router.Decide(Lead(), Settings, [], [day, night, off], null, Now);

        Assert.Same(day, decision.Consultant);
        Assert.Contains("Night (outside working hours)", decision.Reason);
        Assert.Contains("Off (day off)", decision.Reason);
    }

    [Fact]
    public void Should_never_route_to_supervisors_or_to_consultants_on_leave()
    {
        var supervisor = C("Boss", minutesSinceLastLead: 999);
        supervisor.Role = StaffRole.Supervisor;
        var away = C("Away", minutesSinceLastLead: 999);
        away.Status = ConsultantStatus.OnLeave;
        var li = C("Li");

        Assert.Same(li, Router.Decide(Lead(), Settings, [], [supervisor, away, li], null, Now).Consultant);
    }
}
