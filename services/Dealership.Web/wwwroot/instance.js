// The workflow instance page's module (Components/Pages/WorkflowInstance.razor): the instance's own version drawn with the
// vendored bpmn-js viewer (global BpmnJS, no modeler: nothing here is edited), and on it the way the instance came, where it
// waits and what failed. Only this page loads the viewer.
import { loadViewer } from './diagram-loader.js';

let viewer = null;
// Each draw's number: the page may ask again (a re-render) while an earlier draw still waits for the viewer or the import,
// and two viewers in one container drew every mark and note twice.
let generation = 0;

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
  const mine = ++generation;
  dispose();
  await loadViewer();
  if (mine !== generation) return [];
  viewer = new window.BpmnJS({ container });
  let warnings;
  try {
    ({ warnings } = await viewer.importXML(xml));
  } catch (error) {
    if (mine !== generation) return [];
    throw error;
  }
  // A later draw has destroyed this viewer and draws its own.
  if (mine !== generation) return [];
  const canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry'), overlays = viewer.get('overlays');
  const mark = (ids, marker) => ids.filter(id => registry.get(id)).forEach(id => canvas.addMarker(id, marker));
  mark(marks.completed, 'path-completed');
  mark(marks.taken, 'path-taken');
  mark(marks.waiting, 'instance-waiting');
  mark(marks.incidents.map(i => i.elementId), 'instance-incident');
  for (const id of marks.waiting.filter(id => registry.get(id))) {
    overlays.add(id, 'waiting', { position: { top: -19, left: 0 }, html: badge('waiting-badge', marks.waitingText) });
  }
  for (const incident of marks.incidents.filter(i => registry.get(i.elementId))) {
    const element = registry.get(incident.elementId);
    const note = badge('incident-note', incident.text, incident.text);
    note.setAttribute('data-element-id', incident.elementId);
    // Below the element and its label (an event's name is written under it), where it covers neither.
    const below = (element.height || 0) + (element.type.endsWith('Event') ? 34 : 6);
    overlays.add(incident.elementId, 'incident', { position: { top: below, left: -20 }, html: note });
  }
  showReadable(container, canvas, registry, marks.incidents.map(i => i.elementId).concat(marks.waiting));
  return warnings.map(w => w.message);
}

// The viewer neither zooms nor pans, and a whole flow fitted into the page is too small to read: the diagram is drawn
// at a readable scale on a canvas of its own size, which the page's box scrolls, brought to where the instance is.
function showReadable(container, canvas, registry, focus) {
  const margin = 24;
  const { inner } = canvas.viewbox();
  const frame = container.parentElement;
  frame.style.height = '';
  const fit = Math.min((frame.clientWidth - 2 * margin) / inner.width, (frame.clientHeight - 2 * margin) / inner.height);
  const scale = Math.min(1, Math.max(fit, 0.8));
  const width = Math.ceil(inner.width * scale + 2 * margin), height = Math.ceil(inner.height * scale + 2 * margin);
  // A small flow needs no tall box; room is left under it for the incidents' notes.
  frame.style.height = Math.min(frame.clientHeight, Math.max(220, height + 120)) + 'px';
  container.style.width = Math.max(frame.clientWidth, width) + 'px';
  container.style.height = Math.max(frame.clientHeight, height) + 'px';
  canvas.resized();
  canvas.viewbox({ x: inner.x - margin / scale, y: inner.y - margin / scale,
    width: container.clientWidth / scale, height: container.clientHeight / scale });
  const element = focus.map(id => registry.get(id)).find(Boolean);
  if (element) {
    frame.scrollLeft = (element.x - inner.x) * scale + margin - frame.clientWidth / 2;
    frame.scrollTop = (element.y - inner.y) * scale + margin - frame.clientHeight / 2;
  }
}

export function dispose() {
  if (viewer) viewer.destroy();
  viewer = null;
}
