// The workflow instance page's module (Components/Pages/WorkflowInstance.razor): the instance's own version drawn with the
// vendored bpmn-js viewer (global BpmnJS, no modeler: nothing here is edited), and on it the way the instance came, where it
// waits and what failed. Only this page loads the viewer.
const LIB = new URL('lib/bpmn-js@18.31.1/', import.meta.url);

function load(tag, attributes) {
  return new Promise((resolve, reject) => {
    const element = Object.assign(document.createElement(tag), attributes);
    element.onload = resolve;
    element.onerror = () => reject(new Error('Could not load ' + (attributes.src || attributes.href)));
    document.head.appendChild(element);
  });
}

let loaded = null;
function loadViewer() {
  return loaded ??= Promise.all([
    load('link', { rel: 'stylesheet', href: new URL('diagram-js.css', LIB).href }),
    load('link', { rel: 'stylesheet', href: new URL('bpmn-js.css', LIB).href }),
    load('script', { src: new URL('bpmn-viewer.production.min.js', LIB).href })
  ]);
}

let viewer = null;

function badge(className, text, title) {
  const element = document.createElement('div');
  element.className = className;
  element.textContent = text;
  if (title) element.title = title;
  return element;
}

// marks: { completed: [ids], taken: [flow ids], waiting: [ids], waitingText, incidents: [{ elementId, text }] }.
// Ids this diagram lacks (steps of a version the instance left by migration) are passed over.
export async function draw(container, xml, marks) {
  dispose();
  await loadViewer();
  viewer = new window.BpmnJS({ container });
  const { warnings } = await viewer.importXML(xml);
  const canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry'), overlays = viewer.get('overlays');
  const mark = (ids, marker) => ids.filter(id => registry.get(id)).forEach(id => canvas.addMarker(id, marker));
  mark(marks.completed, 'path-completed');
  mark(marks.taken, 'path-taken');
  mark(marks.waiting, 'instance-waiting');
  mark(marks.incidents.map(i => i.elementId), 'instance-incident');
  for (const id of marks.waiting.filter(id => registry.get(id))) {
    overlays.add(id, 'waiting', { position: { top: -12, left: -6 }, html: badge('waiting-badge', marks.waitingText) });
  }
  for (const incident of marks.incidents.filter(i => registry.get(i.elementId))) {
    const element = registry.get(incident.elementId);
    const note = badge('incident-note', incident.text, incident.text);
    note.setAttribute('data-element-id', incident.elementId);
    overlays.add(incident.elementId, 'incident', { position: { top: (element.height || 0) + 6, left: -20 }, html: note });
  }
  canvas.zoom('fit-viewport', 'auto');
  return warnings.map(w => w.message);
}

export function dispose() {
  if (viewer) viewer.destroy();
  viewer = null;
}
