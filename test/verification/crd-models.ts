/**
 * Schema validation for the CRD kinds the stack may emit on purpose (Traefik Middleware, and
 * the Gateway API / cert-manager / Prometheus Operator kinds coming in later issues).
 *
 * Their `@kubernetes-models/*` packages are ES modules only, which Jest's CommonJS runtime
 * cannot load (before Node 24.9). A worker thread runs outside Jest's module system, where
 * Node's own `require` loads ES modules, and answers synchronously through `Atomics.wait` +
 * `receiveMessageOnPort`, so invariants stay plain synchronous functions.
 */
import * as path from 'node:path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';

/** `apiVersion|kind` → module file (relative to node_modules) exporting a class named `kind`. */
export const CRD_MODEL_FILES: Record<string, string> = {
  'traefik.io/v1alpha1|Middleware': '@kubernetes-models/traefik/traefik.io/v1alpha1/Middleware.js',
  'gateway.networking.k8s.io/v1|HTTPRoute': '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute.js',
  'cert-manager.io/v1|Certificate': '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate.js',
  'monitoring.coreos.com/v1|ServiceMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor.js',
};

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, signal, files } = workerData;
const models = {};
for (const [key, file] of Object.entries(files)) {
  try {
    const kind = key.split('|')[1];
    models[key] = require(file)[kind];
  } catch (error) {
    models[key] = 'cannot load ' + file + ': ' + error.message;
  }
}
port.on('message', (objects) => {
  const results = objects.map((object) => {
    const model = models[object.apiVersion + '|' + object.kind];
    if (typeof model !== 'function') return { unavailable: String(model) };
    try {
      new model(object).validate();
      return { ok: true };
    } catch (error) {
      return { error: error.message };
    }
  });
  port.postMessage(results);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

/** The outcome of validating one CRD object. */
export type CrdResult = { ok: true } | { error: string } | { unavailable: string };

let bridge: { worker: Worker; port: MessagePort; signal: Int32Array } | undefined;

function start(): NonNullable<typeof bridge> {
  if (bridge) return bridge;
  const nodeModules = path.resolve(__dirname, '..', '..', 'node_modules');
  const files = Object.fromEntries(Object.entries(CRD_MODEL_FILES).map(([key, file]) => [key, path.join(nodeModules, file)]));
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, signal, files }, transferList: [port2] });
  worker.unref();
  port1.unref();
  bridge = { worker, port: port1, signal };
  return bridge;
}

/** Validates CRD objects with their kubernetes-models classes (synchronously). */
export function validateCrds(objects: object[]): CrdResult[] {
  if (objects.length === 0) return [];
  const { port, signal } = start();
  Atomics.store(signal, 0, 0);
  port.postMessage(JSON.parse(JSON.stringify(objects)));
  if (Atomics.wait(signal, 0, 0, 60_000) === 'timed-out') {
    throw new Error('CRD schema worker did not answer within 60 s');
  }
  const reply = receiveMessageOnPort(port);
  if (!reply) throw new Error('CRD schema worker answered without a message');
  return reply.message as CrdResult[];
}

/** Stops the worker (call from afterAll). */
export async function stopCrdValidator(): Promise<void> {
  const current = bridge;
  bridge = undefined;
  if (current) {
    current.port.close();
    await current.worker.terminate();
  }
}
