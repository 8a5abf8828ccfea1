// The workflow designer's page module (Components/Pages/Designer.razor): the vendored modeler (global BpmnDesigner)
// narrowed to what our engine runs (DESIGN 4), the engine's activities as element templates, and the server's check
// drawn on the diagram. Plain script, so that it changes without Node.js; the bundle holds only libraries.
// Only this page loads the bundle (2.6 MB): every other page of the console stays as light as it was.
import { load } from './diagram-loader.js';

const BUNDLE = new URL('lib/bpmn-designer@18.31.1/', import.meta.url);
const TEMPLATE_PREFIX = 'dealership.activity.';

let loaded = null;
function loadBundle() {
  return loaded ??= Promise.all([
    load('link', { rel: 'stylesheet', href: new URL('bpmn-designer.css', BUNDLE).href }),
    load('script', { src: new URL('bpmn-designer.js', BUNDLE).href })
  ]);
}

// What the engine runs, as the replace menu's entries; everything else bpmn-js offers would be refused at publish.
const REPLACEMENTS = new Set([
  'replace-with-none-start', 'replace-with-timer-start', 'replace-with-message-start',
  'replace-with-none-end', 'replace-with-terminate-end',
  'replace-with-timer-intermediate-catch', 'replace-with-message-intermediate-catch',
  'replace-with-timer-boundary', 'replace-with-message-boundary',
  'replace-with-non-interrupting-timer-boundary', 'replace-with-non-interrupting-message-boundary',
  'replace-with-user-task', 'replace-with-service-task', 'replace-with-receive-task',
  'replace-with-exclusive-gateway', 'replace-with-parallel-gateway', 'replace-with-event-based-gateway',
  'replace-with-expanded-subprocess', 'replace-with-subprocess',
  'replace-with-sequence-flow', 'replace-with-default-flow', 'replace-with-conditional-flow'
]);
// Loops, multi-instance and ad-hoc markers: the engine runs each activity once.
const TOGGLES_REMOVED = ['toggle-loop', 'toggle-parallel-mi', 'toggle-sequential-mi', 'toggle-adhoc', 'toggle-is-collection',
  'toggle-participant-multiplicity'];
const PALETTE_REMOVED = ['create.intermediate-event', 'create.task', 'create.data-object', 'create.data-store',
  'create.participant-expanded', 'create.group'];
const CONTEXT_PAD_REMOVED = ['append.intermediate-event', 'append.append-task', 'append.text-annotation',
  'append.condition-intermediate-event', 'append.signal-intermediate-event', 'append.compensation-activity'];

function EngineSubset(palette, contextPad, popupMenu, elementFactory, create, autoPlace, translate, elementTemplates) {
  const shape = (type, options) => elementFactory.createShape(Object.assign({ type }, options));

  const createEntry = (group, className, title, type, options) => {
    const start = event => create.start(event, shape(type, options));
    return { group, className, title: translate(title), action: { dragstart: start, click: start } };
  };

  const appendEntry = (className, title, type, options) => ({
    group: 'model', className, title: translate(title),
    action: {
      dragstart: (event, element) => create.start(event, shape(type, options), { source: element }),
      click: (event, element) => autoPlace.append(element, shape(type, options))
    }
  });

  palette.registerProvider(500, {
    getPaletteEntries: () => entries => {
      PALETTE_REMOVED.forEach(key => delete entries[key]);
      return Object.assign(entries, {
        'create.timer-catch': createEntry('event', 'bpmn-icon-intermediate-event-catch-timer', 'Create timer event',
          'bpmn:IntermediateCatchEvent', { eventDefinitionType: 'bpmn:TimerEventDefinition' }),
        'create.message-catch': createEntry('event', 'bpmn-icon-intermediate-event-catch-message', 'Create message event',
          'bpmn:IntermediateCatchEvent', { eventDefinitionType: 'bpmn:MessageEventDefinition' }),
        'create.parallel-gateway': createEntry('gateway', 'bpmn-icon-gateway-parallel', 'Create parallel gateway', 'bpmn:ParallelGateway'),
        'create.event-based-gateway': createEntry('gateway', 'bpmn-icon-gateway-eventbased', 'Create event-based gateway', 'bpmn:EventBasedGateway'),
        'create.user-task': createEntry('activity', 'bpmn-icon-user-task', 'Create user task', 'bpmn:UserTask'),
        'create.service-task': createEntry('activity', 'bpmn-icon-service-task', 'Create service task', 'bpmn:ServiceTask'),
        'create.receive-task': createEntry('activity', 'bpmn-icon-receive-task', 'Create receive task', 'bpmn:ReceiveTask')
      });
    }
  });

  contextPad.registerProvider(500, {
    getContextPadEntries: () => entries => {
      const couldAppendTask = 'append.append-task' in entries;
      CONTEXT_PAD_REMOVED.forEach(key => delete entries[key]);
      if (couldAppendTask) {
        Object.assign(entries, {
          'append.user-task': appendEntry('bpmn-icon-user-task', 'Append user task', 'bpmn:UserTask'),
          'append.service-task': appendEntry('bpmn-icon-service-task', 'Append service task', 'bpmn:ServiceTask'),
          'append.timer-catch': appendEntry('bpmn-icon-intermediate-event-catch-timer', 'Append timer event',
            'bpmn:IntermediateCatchEvent', { eventDefinitionType: 'bpmn:TimerEventDefinition' })
        });
      }
      return entries;
    }
  });

  popupMenu.registerProvider('bpmn-replace', 500, {
    getPopupMenuEntries: target => entries => {
      Object.keys(entries).filter(key => !REPLACEMENTS.has(key)).forEach(key => delete entries[key]);
      // A task becomes one of the engine's activities in one step.
      const bo = target.businessObject;
      if (bo && bo.$instanceOf && bo.$instanceOf('bpmn:Task')) {
        for (const template of elementTemplates.getAll()) {
          if (!template.id.startsWith(TEMPLATE_PREFIX)) continue;
          entries['replace-with-template-' + template.id] = {
            label: template.name, className: 'bpmn-icon-service', group: { id: 'templates', name: translate('Activities') },
            action: () => elementTemplates.applyTemplate(target, template)
          };
        }
      }
      return entries;
    },
    getPopupMenuHeaderEntries: () => entries => {
      TOGGLES_REMOVED.forEach(key => delete entries[key]);
      return entries;
    }
  });
}
EngineSubset.$inject = ['palette', 'contextPad', 'popupMenu', 'elementFactory', 'create', 'autoPlace', 'translate', 'elementTemplates'];

// The panel's groups and entries for what the publish check refuses (ADR 0512): offered, they would only lead to a
// finding. Group ids are those of the Zeebe and BPMN properties providers of the vendored bundle.
const GROUPS_REMOVED = new Set(['Zeebe__ExecutionListeners', 'Zeebe__TaskListeners', 'jobPriorityDefinition', 'multiInstance',
  'calledElement', 'calledDecision', 'script', 'scriptImplementation', 'adHocCompletion', 'adHocSubProcessImplementation',
  'outputCollection', 'inputPropagation', 'outputPropagation', 'compensation', 'signal', 'escalation', 'error', 'link']);
const ENTRIES_REMOVED = new Set(['priorityDefinitionPriority', 'jobPriorityDefinitionPriority']);

// Below the Zeebe provider's priority, so that it sees the groups that provider added.
function EngineProperties(propertiesPanel) {
  propertiesPanel.registerProvider(100, {
    getGroups: () => groups => groups
      .filter(group => !GROUPS_REMOVED.has(group.id))
      .map(group => group.entries ? Object.assign(group, { entries: group.entries.filter(e => !ENTRIES_REMOVED.has(e.id)) }) : group)
      .filter(group => !group.entries || group.entries.length > 0)
  });
}
EngineProperties.$inject = ['propertiesPanel'];

const engineSubsetModule = {
  __init__: ['engineSubset', 'engineProperties'],
  engineSubset: ['type', EngineSubset],
  engineProperties: ['type', EngineProperties]
};

// The modeler's own words a Chinese reader meets most (tools, menus, the panel's groups and fields); the rest stay English.
const ZH = {
  'Activate hand tool': '抓手工具', 'Activate lasso tool': '套索工具', 'Activate create/remove space tool': '插入/移除空间',
  'Activate global connect tool': '连线工具', 'Create start event': '开始事件', 'Create end event': '结束事件',
  'Create gateway': '排他网关', 'Create expanded sub-process': '子流程', 'Create timer event': '定时事件',
  'Create message event': '消息事件', 'Create parallel gateway': '并行网关', 'Create event-based gateway': '事件网关',
  'Create user task': '人工任务（销售顾问或岗位的任务）', 'Create service task': '系统任务（短信、预约、通知……）',
  'Create receive task': '接收消息任务',
  'Append end event': '添加结束事件', 'Append gateway': '添加排他网关', 'Append user task': '添加人工任务',
  'Append service task': '添加系统任务', 'Append timer event': '添加定时事件', 'Append receive task': '添加接收消息任务',
  'Append message intermediate catch event': '添加消息事件', 'Append timer intermediate catch event': '添加定时事件',
  'Change element': '更改类型', 'Delete': '删除', 'Connect to other element': '连接到其他元素', 'Toggle non-interrupting': '切换为不中断',
  'Activities': '系统任务',
  'Start event': '开始事件', 'Timer start event': '定时开始事件', 'Message start event': '消息开始事件', 'End event': '结束事件',
  'Terminate end event': '终止结束事件', 'Timer intermediate catch event': '定时事件', 'Message intermediate catch event': '消息事件',
  'Timer boundary event': '边界定时事件', 'Message boundary event': '边界消息事件',
  'Timer boundary event (non-interrupting)': '边界定时事件（不中断）', 'Message boundary event (non-interrupting)': '边界消息事件（不中断）',
  'User task': '人工任务', 'Service task': '系统任务', 'Receive task': '接收消息任务', 'Exclusive gateway': '排他网关',
  'Parallel gateway': '并行网关', 'Event-based gateway': '事件网关', 'Sub-process': '子流程', 'Sub-process (expanded)': '子流程（展开）',
  'Sequence flow': '顺序流', 'Default flow': '默认流', 'Conditional flow': '条件流',
  'General': '常规', 'Name': '名称', 'ID': '编号', 'Documentation': '说明', 'Element documentation': '元素说明',
  'Inputs': '输入', 'Outputs': '输出', 'Input mapping': '输入映射', 'Output mapping': '输出映射',
  'Local variable name': '局部变量名', 'Variable assignment value': '变量赋值', 'Process variable name': '流程变量名',
  'Headers': '任务头', 'Key': '键', 'Value': '值', 'Type': '类型', 'Timer': '定时', 'Date': '日期', 'Duration': '时长',
  'Cycle': '周期', 'Condition': '条件', 'Condition expression': '条件表达式', 'Assignment': '分配', 'Assignee': '负责人',
  'Candidate groups': '候选岗位', 'Candidate users': '候选人员', 'Due date': '截止时间', 'Follow up date': '跟进时间',
  'Task schedule': '任务时间', 'Message': '消息', 'Global message reference': '消息定义', 'Subscription correlation key': '关联键',
  'Create new ...': '新建……', 'Task definition': '任务定义', 'Job type': '任务类型', 'Retries': '重试次数',
  'Template': '模板', 'Select': '选择', 'Unlink': '取消关联', 'Remove': '移除', 'Description': '描述',
  'Must not be empty.': '不能为空。', 'Process': '流程', 'Process name': '流程名称', 'Process ID': '流程编号',
  'Version tag': '版本标签', 'Executable': '可执行', 'Execution listeners': '执行监听器', 'Extension properties': '扩展属性',
  'Form': '表单', 'Priority': '优先级', 'Job priority': '任务优先级', '<none>': '<无>', 'Implementation': '实现方式'
};

function translateModule(words) {
  return {
    translate: ['value', (template, replacements) => (words[template] || template)
      .replace(/{([^}]+)}/g, (_, key) => (replacements || {})[key] ?? '{' + key + '}')]
  };
}

let modeler = null;
let page = null;
let timer = 0;
// Edits not yet saved as a draft: the browser asks before a reload, a closed tab or a link out of the console loses
// them. Navigation inside the console is the page's own to ask about (Designer.razor).
let unsaved = false;
function warnBeforeUnload(event) {
  if (!unsaved) return;
  event.preventDefault();
  event.returnValue = '';
}

export function setUnsaved(value) {
  unsaved = value;
}

// Edited since the last save, known at once: the page itself hears of an edit only after the pause (changed), and a
// Publish clicked within it would otherwise publish the saved draft without the edit.
export function hasUnsavedEdits() {
  return unsaved;
}

function taskType(bo) {
  const values = (bo.extensionElements && bo.extensionElements.values) || [];
  const definition = values.find(v => v.$type === 'zeebe:TaskDefinition');
  return definition && definition.type;
}

// A service task of an older diagram (the defaults) names its activity only by type: link it to that activity's
// template, so that its headers show as the activity's form. Straight on the model, not as an edit to undo.
function linkTemplates(templates) {
  const ids = new Set(templates.map(t => t.id));
  for (const element of modeler.get('elementRegistry').getAll()) {
    const bo = element.businessObject;
    if (!bo || bo.$type !== 'bpmn:ServiceTask' || bo.get('zeebe:modelerTemplate')) continue;
    const id = TEMPLATE_PREFIX + taskType(bo);
    if (ids.has(id)) {
      bo.set('zeebe:modelerTemplate', id);
      bo.set('zeebe:modelerTemplateVersion', 1);
    }
  }
}

// The whole diagram in view, clear of the palette that floats over the canvas's left edge.
function fitBesidePalette(container) {
  const canvas = modeler.get('canvas');
  const palette = container.querySelector('.djs-palette');
  const left = (palette ? palette.offsetLeft + palette.offsetWidth : 0) + 16, margin = 16;
  const { inner } = canvas.viewbox();
  const width = container.clientWidth, height = container.clientHeight;
  if (!inner.width || !inner.height || !width || !height) return;
  const scale = Math.min(1, (width - left - margin) / inner.width, (height - 2 * margin) / inner.height);
  canvas.viewbox({ x: inner.x - left / scale, y: inner.y - margin / scale, width: width / scale, height: height / scale });
}

async function changed() {
  if (!modeler || !page) return;
  const { xml } = await modeler.saveXML({ format: true });
  await page.invokeMethodAsync('DiagramChanged', xml);
}

export async function open(canvas, panel, xml, templates, dotnet) {
  const words = document.documentElement.lang.startsWith('zh') ? ZH : {};
  dispose();
  await loadBundle();
  page = dotnet;
  const B = window.BpmnDesigner;
  modeler = new B.Modeler({
    container: canvas,
    propertiesPanel: { parent: panel, tooltip: B.ZeebeTooltipProvider },
    additionalModules: [
      B.BpmnPropertiesPanelModule, B.BpmnPropertiesProviderModule, B.ZeebePropertiesProviderModule,
      B.CloudElementTemplatesPropertiesProviderModule, B.ElementTemplateChooserModule, B.ZeebeBehaviorsModule,
      engineSubsetModule, translateModule(words)
    ],
    moddleExtensions: { zeebe: B.zeebeModdle }
  });
  modeler.get('elementTemplatesLoader').setTemplates(templates);
  const { warnings } = await modeler.importXML(xml);
  linkTemplates(templates);
  fitBesidePalette(canvas);
  // Properties-panel fields commit as the person types; the check waits for a pause.
  unsaved = false;
  window.addEventListener('beforeunload', warnBeforeUnload);
  modeler.on('commandStack.changed', () => {
    unsaved = true;
    clearTimeout(timer);
    timer = setTimeout(changed, 600);
  });
  return warnings.map(w => w.message);
}

// The diagram to save. The save answers with its own check, so a check still waiting for the pause after the last edit
// is dropped: answering after the save, it would call the saved diagram unsaved again and, for the moment it ran,
// take Publish away from under the pointer.
export async function xml() {
  clearTimeout(timer);
  return (await modeler.saveXML({ format: true })).xml;
}

// findings: [{ elementId, text }]; what names no element of the diagram is left to the list beside it.
export function showFindings(findings) {
  if (!modeler) return;
  const overlays = modeler.get('overlays'), canvas = modeler.get('canvas'), registry = modeler.get('elementRegistry');
  overlays.remove({ type: 'finding' });
  registry.forEach(element => canvas.removeMarker(element, 'has-finding'));
  const byElement = new Map();
  for (const f of findings) {
    if (!registry.get(f.elementId)) continue;
    byElement.set(f.elementId, (byElement.get(f.elementId) || []).concat(f.text));
  }
  for (const [id, texts] of byElement) {
    canvas.addMarker(id, 'has-finding');
    const badge = document.createElement('div');
    badge.className = 'finding-badge';
    badge.textContent = '!';
    badge.title = texts.join('\n');
    badge.setAttribute('data-element-id', id);
    const element = registry.get(id);
    const position = element.waypoints ? { top: -12, left: -12 } : { top: -10, right: 10 };
    overlays.add(id, 'finding', { position, html: badge });
  }
}

export function select(elementId) {
  const element = modeler && modeler.get('elementRegistry').get(elementId);
  if (!element) return false;
  // From the overview of a large flow, a finding is shown close enough to read and edit.
  const canvas = modeler.get('canvas');
  if (canvas.zoom() < 0.8) canvas.zoom(1);
  canvas.scrollToElement(element, 120);
  modeler.get('selection').select(element);
  return true;
}

export function dispose() {
  clearTimeout(timer);
  unsaved = false;
  window.removeEventListener('beforeunload', warnBeforeUnload);
  if (modeler) modeler.destroy();
  modeler = null;
  page = null;
}
