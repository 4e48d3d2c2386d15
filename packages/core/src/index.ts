export * from './cursor';
export * from './domain';
export * from './errors';
export * from './inputs';
export * from './package-version';
export * from './repository';
export * from './sql-state';
export * from './translate';
export { validate } from './validate';
