/**
 * The composition root: the only place that wires configuration, store, carriers, use-cases and
 * edges together (by hand: no container, no import side effects). The tests start the service and
 * the worker through these; the CLI imports each module it uses, so that only `serve` and `worker` load
 * the server's.
 */
export { type Admin, copyEmbeddedStore, openAdmin } from './admin.js';
export { makeLogger } from './logger.js';
export { provisionAccountXml, TEMPLATE_STYLES, type TemplateStyle } from './provision.js';
export { type Service, startService } from './service.js';
export { openStore } from './store.js';
export { VERSION } from './version.js';
export { startWorker } from './worker.js';
