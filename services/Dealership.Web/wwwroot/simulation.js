// The simulation and play pages' module (Components/Pages/Simulation.razor, Play.razor): versions drawn with the vendored
// bpmn-js viewer, each in its own container, with a simulated lead's way or a play's tokens marked as the instance page
// marks a real instance's (the same markers, so the same colours). Nothing here is edited.
import { loadViewer } from './diagram-loader.js';

const viewers = new Map();
// Where each container's tokens waited before the last step: the frame follows a token that moved, not one that stayed.
const waitingBefore = new WeakMap();

function badge(className, text) {
  const element = document.createElement('div');
  element.className = className;
  element.textContent = text;
  return element;
}

// marks: { completed: [ids], taken: [flow ids], differs: [ids only this way completed], waiting: [ids], waitingText,
// parted: id or null, partedText, focus: [ids to bring into view] }. Ids the diagram lacks are passed over.
function mark(viewer, marks) {
  const canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry'), overlays = viewer.get('overlays');
  overlays.remove({ type: 'token' });
  overlays.remove({ type: 'parted' });
  registry.forEach(element => ['path-completed', 'path-taken', 'path-differs', 'instance-waiting', 'path-parted']
    .forEach(marker => canvas.removeMarker(element, marker)));
  const known = ids => (ids || []).filter(id => registry.get(id));
  known(marks.completed).forEach(id => canvas.addMarker(id, 'path-completed'));
  known(marks.taken).forEach(id => canvas.addMarker(id, 'path-taken'));
  known(marks.differs).forEach(id => canvas.addMarker(id, 'path-differs'));
  for (const id of known(marks.waiting)) {
    canvas.addMarker(id, 'instance-waiting');
    const token = badge('waiting-badge play-token', marks.waitingText);
    token.setAttribute('data-element-id', id);
    overlays.add(id, 'token', { position: { top: -19, left: 0 }, html: token });
  }
  if (marks.parted && registry.get(marks.parted)) {
    canvas.addMarker(marks.parted, 'path-parted');
    const note = badge('parted-badge', marks.partedText);
    note.setAttribute('data-element-id', marks.parted);
    // Above the element: an event's name is written under it.
    overlays.add(marks.parted, 'parted', { position: { top: -20, left: -10 }, html: note });
  }
  const focus = known(marks.focus);
  return focus.length ? focus : known(marks.waiting).concat(known([marks.parted])).slice(0, 1);
}

/** Draws a version into the container (replacing what it showed) with the marks; answers the import's warnings. */
export async function draw(container, xml, marks) {
  dispose(container);
  await loadViewer();
  const viewer = new window.BpmnJS({ container });
  viewers.set(container, viewer);
  const { warnings } = await viewer.importXML(xml);
  const focus = mark(viewer, marks);
  waitingBefore.set(container, marks.waiting || []);
  fit(container, viewer, focus);
  return warnings.map(w => w.message);
}

/** Marks the diagram already drawn in the container anew (a play's next step), keeping where the person scrolled to. */
export function update(container, marks) {
  const viewer = viewers.get(container);
  if (!viewer) return;
  const before = waitingBefore.get(container) || [];
  mark(viewer, marks);
  waitingBefore.set(container, marks.waiting || []);
  // A token that moved out of sight (a branch far to the right, an escalation below): the frame follows the one that moved.
  const registry = viewer.get('elementRegistry');
  const id = (marks.waiting || []).find(w => !before.includes(w) && registry.get(w));
  if (!id) return;
  const frame = container.parentElement;
  const box = registry.getGraphics(id).getBoundingClientRect(), seen = frame.getBoundingClientRect();
  // Within a margin of the edge counts as out of sight: what comes after the token would be.
  const margin = 80;
  if (box.left < seen.left + margin || box.right > seen.right - margin || box.top < seen.top + margin || box.bottom > seen.bottom - margin) {
    frame.scrollLeft += box.left + box.width / 2 - (seen.left + seen.width / 2);
    frame.scrollTop += box.top + box.height / 2 - (seen.top + seen.height / 2);
  }
}

// The viewer neither zooms nor pans: the diagram is drawn at a readable scale on a canvas of its own size, which the
// container's frame scrolls, brought to where the token is (as instance.js does).
function fit(container, viewer, focus) {
  const canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry');
  const margin = 24;
  const { inner } = canvas.viewbox();
  const frame = container.parentElement;
  const fitScale = Math.min((frame.clientWidth - 2 * margin) / inner.width, (frame.clientHeight - 2 * margin) / inner.height);
  const scale = Math.min(1, Math.max(fitScale, 0.75));
  const width = Math.ceil(inner.width * scale + 2 * margin), height = Math.ceil(inner.height * scale + 2 * margin);
  container.style.width = Math.max(frame.clientWidth, width) + 'px';
  container.style.height = Math.max(frame.clientHeight, height) + 'px';
  canvas.resized();
  canvas.viewbox({ x: inner.x - margin / scale, y: inner.y - margin / scale,
    width: container.clientWidth / scale, height: container.clientHeight / scale });
  // The middle of what to show (the steps only this way took), else of the token or the parting.
  const shown = focus.map(id => registry.get(id)).filter(e => e && !e.waypoints);
  if (shown.length) {
    const left = Math.min(...shown.map(e => e.x)), right = Math.max(...shown.map(e => e.x + e.width));
    const top = Math.min(...shown.map(e => e.y)), bottom = Math.max(...shown.map(e => e.y + e.height));
    frame.scrollLeft = ((left + right) / 2 - inner.x) * scale + margin - frame.clientWidth / 2;
    frame.scrollTop = ((top + bottom) / 2 - inner.y) * scale + margin - frame.clientHeight / 2;
  }
}

/** Releases the viewer of one container, or of all (the page is left). */
export function dispose(container) {
  for (const [key, viewer] of viewers) {
    if (container && key !== container) continue;
    viewer.destroy();
    viewers.delete(key);
  }
}

/** Brings an element (the opened lead's diagrams) into view. */
export function reveal(element) {
  if (element) element.scrollIntoView({ block: 'start' });
}
