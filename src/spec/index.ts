/** What leaves src/spec: loading and checking config, the JSON Schema, and the spec types. */
export { loadSpecFile, loadSpecObject, loadSpecText, type LoadOptions, type LoadedSpec } from './load.js';
export { checkEachFile, checkFiles } from './check.js';
export { systemJsonSchema } from './json-schema.js';
export type { SpecOverrides } from './env.js';
export * from './types.js';
