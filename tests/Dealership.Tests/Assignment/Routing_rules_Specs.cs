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

    [Fact]
    public void Should_try_the_rules_by_priority_whatever_order_they_are_listed_in()
    {
        var rules = new List<RoutingRule>
        {
            new() { Name = "second", Priority = 2, Steps = [RoutingStep.Pool] },
            new() { Name = "first", Priority = 1, Steps = [RoutingStep.SupervisorQueue] },
        };

        Assert.Equal("first", Router.Decide(Lead(), Settings, rules, [C("Wang")], null, Now).Rule);
    }

    [Fact]
    public void Should_match_a_rule_by_the_vehicle_and_the_language_it_names()
    {
        var rules = new List<RoutingRule>
        {
            new() { Name = "ID. family", Priority = 0, VehicleContains = "id.", Steps = [RoutingStep.Pool] },
            new() { Name = "English", Priority = 1, Language = "EN", Steps = [RoutingStep.Pool] },
            new() { Name = "walk-ins", Priority = 2, Sources = ["walk-in"], Steps = [RoutingStep.Pool] },
        };

        string RuleFor(LeadFacts lead) => Router.Decide(lead, Settings, rules, [C("Wang")], null, Now).Rule;

        Assert.Equal("ID. family", RuleFor(Lead(vehicle: "ID.4 Crozz")));
        Assert.Equal("ID. family", RuleFor(Lead(vehicle: "ID.4 Crozz", language: "zh")));
        Assert.Equal("English", RuleFor(Lead(vehicle: "Passat", language: "en")));
        Assert.Equal("walk-ins", RuleFor(Lead("walk-in", vehicle: "Passat", language: "zh")));
        Assert.Equal("default", RuleFor(Lead(vehicle: "Passat", language: "zh")));
        Assert.Equal("default", RuleFor(Lead()));
    }

    [Fact]
    public void Should_go_round_robin_under_the_default_rule_when_the_lead_names_no_vehicle_or_language()
    {
        var wang = C("Wang", minutesSinceLastLead: 10, skills: ["ID.4"]);
        var li = C("Li", minutesSinceLastLead: 30);

        var decision = Router.Decide(Lead(), Settings, [], [wang, li], null, Now);

        Assert.Equal("rule 'default' → round robin: next in turn of 2 available: Li (0 open); candidates: Wang 0, Li 0", decision.Reason);
    }

    [Fact]
    public void Should_match_the_vehicle_alone_or_the_language_alone()
    {
        var wang = C("Wang", minutesSinceLastLead: 10, skills: ["ID.4"], languages: ["en"]);
        var li = C("Li", minutesSinceLastLead: 30, skills: ["Passat"], languages: ["ja"]);

        var byVehicle = Router.Decide(Lead(vehicle: "ID.4 Crozz"), Settings, [], [wang, li], null, Now);
        var byLanguage = Router.Decide(Lead(language: "EN"), Settings, [], [wang, li], null, Now);

        Assert.Same(wang, byVehicle.Consultant);
        Assert.StartsWith("rule 'default' → skill match (vehicle ID.4 Crozz), next in turn of 1: Wang (0 open)", byVehicle.Reason);
        Assert.Same(wang, byLanguage.Consultant);
        Assert.StartsWith("rule 'default' → skill match (language EN), next in turn of 1: Wang (0 open)", byLanguage.Reason);
    }

    [Fact]
    public void Should_go_on_to_the_next_step_when_nobody_has_the_skills()
    {
        var wang = C("Wang", minutesSinceLastLead: 10, skills: ["Passat"]);

        var decision = Router.Decide(Lead(vehicle: "ID.4"), Settings, [], [wang], null, Now);

        Assert.Same(wang, decision.Consultant);
        Assert.Contains("round robin", decision.Reason);
    }

    [Fact]
    public void Should_go_on_to_the_supervisor_queue_when_nobody_is_available_for_the_least_loaded()
    {
        var decision = Router.Decide(Lead(), Settings, [Rule("load", RoutingStep.LeastLoaded)], [C("Wang", open: 1, cap: 1)], null, Now);

        Assert.Equal(DecisionKind.SupervisorQueue, decision.Kind);
    }

    [Fact]
    public void Should_break_ties_of_the_least_loaded_by_turn_and_then_by_name()
    {
        var bai = C("Bai", open: 2, minutesSinceLastLead: 10);
        var li = C("Li", open: 2, minutesSinceLastLead: 300);
        var wu = C("Wu", open: 5, minutesSinceLastLead: 900);
        var zhou = C("Zhou", open: 1, minutesSinceLastLead: 60);
        var chen = C("Chen", open: 1, minutesSinceLastLead: 60);
        var rule = Rule("load", RoutingStep.LeastLoaded);

        Assert.Same(li, Router.Decide(Lead(), Settings, [rule], [bai, li, wu], null, Now).Consultant);
        Assert.Same(chen, Router.Decide(Lead(), Settings, [rule], [zhou, chen, wu], null, Now).Consultant);
    }

    [Fact]
    public void Should_take_turns_by_name_among_consultants_never_given_a_lead()
    {
        var zhou = C("Zhou");
        zhou.LastAssignedAt = null;
        var chen = C("Chen");
        chen.LastAssignedAt = null;
        var li = C("Li", minutesSinceLastLead: 5000);

        Assert.Same(chen, Router.Decide(Lead(), Settings, [Rule("turns", RoutingStep.RoundRobin)], [zhou, li, chen], null, Now).Consultant);
    }

    [Theory]
    [InlineData(8, "")]
    [InlineData(9, " and 1 more")]
    public void Should_show_at_most_eight_candidates_and_count_the_rest(int count, string more)
    {
        var roster = Enumerable.Range(1, count).Select(i => C($"C{i}", minutesSinceLastLead: i)).ToList();

        var decision = Router.Decide(Lead(), Settings, [Rule("all", RoutingStep.RoundRobin)], roster, null, Now);

        Assert.EndsWith("candidates: C1 0, C2 0, C3 0, C4 0, C5 0, C6 0, C7 0, C8 0" + more, decision.Reason);
    }

    [Theory]
    [InlineData(8, "")]
    [InlineData(9, " and 1 more")]
    public void Should_show_at_most_eight_unavailable_consultants_and_count_the_rest(int count, string more)
    {
        var roster = Enumerable.Range(1, count).Select(i => C($"Off{i}", onDuty: false)).Append(C("Wang")).ToList();

        var decision = Router.Decide(Lead(), Settings, [Rule("all", RoutingStep.RoundRobin)], roster, null, Now);

        Assert.EndsWith("Off7 (off duty), Off8 (off duty)" + more, decision.Reason);
    }

    [Fact]
    public void Should_say_when_the_roster_is_empty()
    {
        var decision = Router.Decide(Lead(), Settings, [], [], null, Now);

        Assert.Equal("rule 'default': supervisor queue, no consultant qualifies (none on the roster)", decision.Reason);
    }

    [Fact]
    public void Should_wait_for_the_earliest_next_shift_of_those_on_duty()
    {
        var wang = C("Wang");
        wang.WorkingHours = [new Shift(DayOfWeek.Sunday, new(9, 0), new(18, 0))];
        var li = C("Li");
        li.WorkingHours = [new Shift(DayOfWeek.Saturday, new(10, 0), new(18, 0))];
        var night = DateTimeOffset.Parse("2026-11-27T23:00+08:00");

        var decision = Router.Decide(Lead(), Settings, [], [wang, li], null, night);

        Assert.Equal(DateTimeOffset.Parse("2026-11-28T10:00+08:00"), decision.WaitUntil);
    }

    [Fact]
    public void Should_give_an_after_hours_lead_to_whoever_is_on_duty_also_when_others_are_off_duty()
    {
        var wang = C("Wang");
        wang.WorkingHours = [new Shift(DayOfWeek.Saturday, new(9, 0), new(18, 0))];
        var li = C("Li", onDuty: false);
        var night = DateTimeOffset.Parse("2026-11-27T23:00+08:00");
        var settings = new RoutingSettings { DealershipCode = "DEMO01", OutsideHours = OutsideHoursPolicy.WhoeverIsOnDuty };

        Assert.Same(wang, Router.Decide(Lead(), settings, [], [wang, li], null, night).Consultant);
        Assert.Equal(DecisionKind.Wait, Router.Decide(Lead(), Settings, [], [wang, li], null, night).Kind);
    }

    [Fact]
    public void Should_keep_a_reason_of_800_characters_whole_and_cut_a_longer_one_to_800()
    {
        // The reason is the rule's and the consultant's names around fixed words: one more character of the rule's name is one more of the reason.
        static string ReasonWith(int ruleName) =>
            Router.Decide(Lead(), Settings, [Rule(new string('r', ruleName), RoutingStep.RoundRobin)], [C("Wang")], null, Now).Reason;
        var fixedPart = ReasonWith(1).Length - 1;

        var whole = ReasonWith(800 - fixedPart);
        var cut = ReasonWith(801 - fixedPart);

        Assert.Equal(800, whole.Length);
        Assert.EndsWith("Wang 0", whole);
        Assert.Equal(800, cut.Length);
        Assert.EndsWith("candidates: Wang…", cut);
    }
}
