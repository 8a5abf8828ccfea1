using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Dealership.Workflows.Bpmn;
using static Dealership.Workflows.Tests.Support.Diagram;

namespace Dealership.Workflows.Tests.Bpmn;

/// <summary>
/// Operations staff in China read the check's findings in the designer: the check speaks the language of the
/// current UI culture, which the service sets to the caller's around the check.
/// </summary>
public partial class Findings_in_the_readers_language_Specs
{
    private static readonly string Diagram = Xml($"""
        <bpmn:startEvent id="start" />
        {Flow("f1", "start", "decide")}
        <bpmn:exclusiveGateway id="decide" />
        {Flow("yes", "decide", "each", "= ok")}
        {Flow("no", "decide", "call")}
        <bpmn:userTask id="each"><bpmn:multiInstanceLoopCharacteristics /></bpmn:userTask>
        {Flow("f2", "each", "end")}
        <bpmn:userTask id="call"><bpmn:extensionElements><acme:sla xmlns:acme="urn:acme" hours="4" /></bpmn:extensionElements></bpmn:userTask>
        {Flow("f3", "call", "end")}
        <bpmn:endEvent id="end" />
        <bpmn:userTask id="orphan" />
        """);

    public static TheoryData<string, string, string> Findings => new()
    {
        { "zh-CN", "orphan", "流程永远走不到这里：没有任何连线指向它。" },
        { "zh-CN", "decide", "从网关出发的连线“no”没有条件，也不是默认流，网关无法判断何时走这条连线。" },
        { "zh-CN", "each", "这是并行多实例（multiInstanceLoopCharacteristics）：引擎只会执行一次，而不是每一项各执行一次。不支持多实例。" },
        { "zh-CN", "call", "引擎不认识扩展元素 acme:sla，它会被忽略。" },
        { "en-US", "orphan", "It can never be reached: no sequence flow leads to it." },
        { "en-US", "decide", "The gateway has no default flow for it and the outgoing flow 'no' has no condition." },
        { "", "each", "It is a parallel multi-instance (multiInstanceLoopCharacteristics): the engine would run it once, not once per item. Multi-instance is not supported." },
        { "de-DE", "call", "The extension element acme:sla is not known to the engine; it would be ignored." },
    };

    [Theory]
    [MemberData(nameof(Findings))]
    public void Should_say_each_finding_in_chinese_under_zh_CN_and_in_english_otherwise(string culture, string elementId, string reason)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            var report = BpmnChecker.Check(BpmnReader.Read(Diagram), _ => true);

            Assert.Equal(reason, Assert.Single(Assert.Single(report.Findings, f => f.ElementId == elementId).Reasons));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void Should_have_a_chinese_text_with_the_same_placeholders_for_every_english_one()
    {
        var english = Texts(CultureInfo.InvariantCulture);
        var chinese = Texts(new CultureInfo("zh-CN"));

        Assert.NotEmpty(english);
        Assert.Empty(english.Keys.Except(chinese.Keys));
        Assert.Empty(chinese.Keys.Except(english.Keys));
        foreach (var (key, text) in english)
        {
            Assert.True(Placeholders(text).SetEquals(Placeholders(chinese[key])), $"{key}: \"{text}\" and \"{chinese[key]}\" differ in their placeholders.");
            Assert.True(text != chinese[key], $"{key} is not translated.");
        }
    }

    private static Dictionary<string, string> Texts(CultureInfo culture) =>
        FindingTexts.Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
