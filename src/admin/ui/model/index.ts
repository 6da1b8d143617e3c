/**
 * The observer page's view-model: /status, /readyz and bus events in, what the page shows
 * out. Pure data and functions, no DOM and no I/O, so every rule is unit-tested in Node and
 * the page (src/admin/ui/page/) only turns it into elements.
 */
export * from './wire.js';
export * from './tree.js';
export * from './rows.js';
export * from './cells.js';
export * from './readiness.js';
export * from './feed.js';
export * from './sse.js';
export * from './params-edit.js';
export * from './problem.js';
export * from './subsystems.js';
export * from './report.js';
