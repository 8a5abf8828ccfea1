// The one bundle the console's designer page loads (global BpmnDesigner): the modeler with the Zeebe properties
// panel, its behaviours and element templates. Only libraries belong here; the page's own rules live in
// services/Dealership.Web/wwwroot/designer.js, which a .NET developer changes without Node.js.
export { default as Modeler } from 'bpmn-js/lib/Modeler';
export {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule,
  ZeebeTooltipProvider
} from 'bpmn-js-properties-panel';
export { CloudElementTemplatesPropertiesProviderModule } from 'bpmn-js-element-templates';
export { default as ZeebeBehaviorsModule } from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
export { default as ElementTemplateChooserModule } from '@bpmn-io/element-template-chooser';
export { default as zeebeModdle } from 'zeebe-bpmn-moddle/resources/zeebe.json';
