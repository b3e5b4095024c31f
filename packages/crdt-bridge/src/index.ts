export * from './protocol/index.js';
export * from './schema/index.js';
export * from './provider/index.js';
export * from './history/index.js';
