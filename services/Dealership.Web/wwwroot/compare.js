// The comparison page's module (Components/Pages/Compare.razor): two versions of a flow drawn by the vendored bpmn-js
// viewer (global BpmnJS, 0.4 MB, not the designer's bundle), each element and flow marked by what changed, by id.
// The two diagrams move together (the wheel zooms, a drag pans): a version is mostly the other's layout, so the same
// place shows the same step.
import { loadViewer } from './diagram-loader.js';

const viewers = [];
const cleanups = [];
let following = false;

// One viewer's pan and zoom, taken over by the other.
function follow(source) {
  if (following) return;
  following = true;
  try {
    const box = source.get('canvas').viewbox();
    for (const other of viewers.filter(v => v !== source))
      other.get('canvas').viewbox({ x: box.x, y: box.y, width: box.width, height: box.height });
  } finally {
    following = false;
  }
}

/**
 * Draws both versions. Each side is { container, xml, marks: [{ id, change }] }. Answers the warnings of each import.
 */
export async function open(older, newer) {
  await loadViewer();
  dispose();
  const warnings = [];
  for (const side of [older, newer]) {
    const viewer = new window.BpmnJS({ container: side.container });
    viewers.push(viewer);
    navigable(side.container, viewer);
    try {
      const result = await viewer.importXML(side.xml);
      warnings.push(...result.warnings.map(w => w.message));
    } catch (error) {
      warnings.push(error.message);
      continue;
    }
    const canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry');
    for (const mark of side.marks)
      if (registry.get(mark.id)) canvas.addMarker(mark.id, 'diff-' + mark.change);
  }
  // The newer version decides the view: it is the one people are about to run.
  const lead = viewers[viewers.length - 1];
  if (lead) {
    lead.get('canvas').zoom('fit-viewport', 'auto');
    follow(lead);
  }
  for (const viewer of viewers)
    viewer.on('canvas.viewbox.changed', () => follow(viewer));
  return warnings;
}

// The viewer draws but does not move: the wheel zooms around the pointer and a drag pans, as in the designer.
function navigable(container, viewer) {
  const canvas = viewer.get('canvas');
  const wheel = event => {
    event.preventDefault();
    const box = container.getBoundingClientRect();
    const zoom = Math.min(4, Math.max(0.1, canvas.zoom() * Math.exp(-event.deltaY / 500)));
    canvas.zoom(zoom, { x: event.clientX - box.left, y: event.clientY - box.top });
  };
  let last = null;
  const down = event => { if (event.button === 0) last = { x: event.clientX, y: event.clientY }; };
  const move = event => {
    if (!last) return;
    canvas.scroll({ dx: event.clientX - last.x, dy: event.clientY - last.y });
    last = { x: event.clientX, y: event.clientY };
  };
  const up = () => { last = null; };
  container.addEventListener('wheel', wheel, { passive: false });
  container.addEventListener('mousedown', down);
  window.addEventListener('mousemove', move);
  window.addEventListener('mouseup', up);
  cleanups.push(() => {
    container.removeEventListener('wheel', wheel);
    container.removeEventListener('mousedown', down);
    window.removeEventListener('mousemove', move);
    window.removeEventListener('mouseup', up);
  });
}

/** Both diagrams whole again. */
export function fit() {
  const lead = viewers[viewers.length - 1];
  if (lead) lead.get('canvas').zoom('fit-viewport', 'auto');
}

/** Brings one element into view on both diagrams and outlines it there. */
export function show(id) {
  let shown = false;
  for (const viewer of viewers) {
    const canvas = viewer.get('canvas'), registry = viewer.get('elementRegistry');
    registry.forEach(element => canvas.removeMarker(element, 'diff-selected'));
    const element = registry.get(id);
    if (!element) continue;
    canvas.addMarker(element, 'diff-selected');
    if (!shown) {
      // The whole flow fits the pane only at a size too small to read: a change is looked at closer.
      if (canvas.zoom() < 0.8) canvas.zoom(1);
      canvas.scrollToElement(element, 160);
      shown = true;
    }
  }
  return shown;
}

export function dispose() {
  while (cleanups.length) cleanups.pop()();
  while (viewers.length) viewers.pop().destroy();
}
