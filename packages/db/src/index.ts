export * from './databases';
export * from './dataset';
export { EMBEDDED_SETTINGS } from './embedded';
export * from './errors';
export * from './migrate';
export * from './seed';
export * from './server';
export * from './statements';
export * from './url';
