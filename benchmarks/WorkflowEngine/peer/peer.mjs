// The peer half of the engine comparison: the same model (model.bpmn) on the bpmn-engine npm package.
// Prints one JSON line; benchmarks/WorkflowEngine (mode peer) runs this and prints both engines side by side.
// Usage: node --expose-gc peer.mjs <model.bpmn> <instances>
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import BpmnModdle from 'bpmn-moddle';
import serializer, { TypeResolver } from 'moddle-context-serializer';

const [, , file, countText] = process.argv;
const count = Number(countText ?? 20000);
// bpmn-engine reads ${...} expressions, not FEEL: the one condition is the same variable in its syntax.
const source = readFileSync(file, 'utf8').replace('>= isOem<', '>${environment.variables.isOem}<');
if (!source.includes('${environment.variables.isOem}')) throw new Error('The model no longer has the condition this script rewrites.');

// Parsed once, as the C# side reads its model once: each instance starts from the same serialized context.
const sourceContext = serializer(await new BpmnModdle().fromXML(source), TypeResolver({ ...Elements }));
const services = { noop: (_context, next) => next() };
// The engine's default logger makes a `debug` logger per element and instance; this engine logs nothing per step
// either, so both run without logging.
const quiet = { debug() {}, error() {}, warn() {} };
const Logger = () => quiet;

function start() {
  const engine = new Engine({ name: 'peer', sourceContext, services, variables: { isOem: true }, Logger });
  const listener = new EventEmitter();
  return new Promise((resolve, reject) => {
    listener.once('wait', (task) => resolve({ engine, task }));
    engine.execute({ listener }).catch(reject);
  });
}

function complete({ engine, task }) {
  return new Promise((resolve, reject) => {
    engine.once('end', resolve);
    engine.once('error', reject);
    task.signal();
  });
}

function heap() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

for (let i = 0; i < 500; i++) await complete(await start());

const before = heap();
const waiting = new Array(count);
let watch = process.hrtime.bigint();
for (let i = 0; i < count; i++) waiting[i] = await start();
const startSeconds = Number(process.hrtime.bigint() - watch) / 1e9;
const bytesPerWaiting = (heap() - before) / count;
const stateBytes = JSON.stringify(await waiting[0].engine.getState()).length;

watch = process.hrtime.bigint();
for (let i = 0; i < count; i++) await complete(waiting[i]);
const completeSeconds = Number(process.hrtime.bigint() - watch) / 1e9;

console.log(JSON.stringify({
  engine: `bpmn-engine ${JSON.parse(readFileSync(new URL('./node_modules/bpmn-engine/package.json', import.meta.url))).version}`,
  runtime: `node ${process.version}`,
  instances: count,
  startsPerSecond: count / startSeconds,
  completionsPerSecond: count / completeSeconds,
  bytesPerWaiting,
  stateBytes,
}));
