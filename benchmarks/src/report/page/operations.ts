/**
 * Which contract method a scenario's case times: the code view puts what the benchmark saw (SQL,
 * statements per operation, × pg) beside that method's source. A scenario missing here fails
 * test/report-page.test.ts, so a new scenario cannot silently drop out of the code view.
 */
type Labels = Record<string, string | number>;

export const SCENARIO_METHODS: Record<string, (labels: Labels) => string> = {
  'n-plus-one': () => 'recentOrdersWithDetails',
  pagination: (labels) => (labels.method === 'keyset' ? 'listOrdersKeyset' : 'listOrdersOffset'),
  'bulk-insert': () => 'insertOrderItems',
  pooling: () => 'getProduct',
  'point-read': (labels) => String(labels.operation ?? 'getProduct'),
  'create-order': () => 'createOrder',
  'transfer-contention': () => 'transfer',
  'lost-update': () => 'adjustStock',
  upsert: () => 'upsertProducts',
};

/** The contract method a result times, or null for a scenario this table does not know. */
export function methodOf(scenario: string, labels: Labels): string | null {
  return SCENARIO_METHODS[scenario]?.(labels) ?? null;
}
