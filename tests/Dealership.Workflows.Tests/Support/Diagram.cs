using Dealership.Workflows.Bpmn;

namespace Dealership.Workflows.Tests.Support;

/// <summary>Small diagrams drawn for one test: the process body, plus messages or other root elements.</summary>
public static class Diagram
{
    public static string Xml(string processBody, string rootExtras = "", string processId = "p") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                          xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                          xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                          id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
          {rootExtras}
          <bpmn:process id="{processId}" isExecutable="true">
            {processBody}
          </bpmn:process>
        </bpmn:definitions>
        """;

    public static ProcessModel Process(string processBody, string rootExtras = "") =>
        BpmnReader.Read(Xml(processBody, rootExtras)).MainProcess!;

    /// <summary>A message with a Zeebe correlation key.</summary>
    public static string Message(string id, string name, string correlationKey) => $"""
        <bpmn:message id="{id}" name="{name}">
          <bpmn:extensionElements><zeebe:subscription correlationKey="{correlationKey}" /></bpmn:extensionElements>
        </bpmn:message>
        """;

    public static string Flow(string id, string source, string target, string? condition = null) => condition is null
        ? $"""<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}" />"""
        : $"""<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{System.Security.SecurityElement.Escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>""";

    public static string ServiceTask(string id, string type, string extra = "") => $"""
        <bpmn:serviceTask id="{id}"><bpmn:extensionElements><zeebe:taskDefinition type="{type}" />{extra}</bpmn:extensionElements></bpmn:serviceTask>
        """;

    public static string Timer(string kind, string value) =>
        $"""<bpmn:timerEventDefinition><bpmn:{kind} xsi:type="bpmn:tFormalExpression">{System.Security.SecurityElement.Escape(value)}</bpmn:{kind}></bpmn:timerEventDefinition>""";
}
