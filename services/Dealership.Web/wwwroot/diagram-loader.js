// Loading the vendored diagram libraries on demand, shared by the pages that draw BPMN: each page loads only what it
// draws with (the viewer's 0.4 MB, or the designer's 2.6 MB bundle), once per browser tab.
const VIEWER = new URL('lib/bpmn-js@18.31.1/', import.meta.url);

/** Adds a script or a stylesheet to the page; resolves once it has loaded. */
export function load(tag, attributes) {
  return new Promise((resolve, reject) => {
    const element = Object.assign(document.createElement(tag), attributes);
    element.onload = resolve;
    element.onerror = () => reject(new Error('Could not load ' + (attributes.src || attributes.href)));
    document.head.appendChild(element);
  });
}

let viewer = null;

/** The bpmn-js viewer (global BpmnJS) and its styles. */
export function loadViewer() {
  return viewer ??= Promise.all([
    load('link', { rel: 'stylesheet', href: new URL('diagram-js.css', VIEWER).href }),
    load('link', { rel: 'stylesheet', href: new URL('bpmn-js.css', VIEWER).href }),
    load('script', { src: new URL('bpmn-viewer.production.min.js', VIEWER).href })
  ]);
}
