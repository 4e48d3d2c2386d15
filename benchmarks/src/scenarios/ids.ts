/** The nine scenarios, in report order: the `--scenario` names and the headings of summary.md. */
export const SCENARIO_IDS = [
  'n-plus-one',
  'pagination',
  'bulk-insert',
  'pooling',
  'point-read',
  'create-order',
  'transfer-contention',
  'lost-update',
  'upsert',
] as const;

export type ScenarioId = (typeof SCENARIO_IDS)[number];
