// What the global setup hands to every test file (vitest's provide/inject).
declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a database on the test server from which per-file databases are created. */
    dalAdminUrl: string;
    dalServerKind: 'embedded' | 'external';
    dalServerVersion: string;
  }
}

export {};
