// The registry lives in @dal/registry (apps/api uses it too); scenario processes import this module by URL.
export * from '@dal/registry';
