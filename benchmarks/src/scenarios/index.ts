import type { Scenario } from '../scenario';
import { bulkInsert } from './bulk-insert';
import { createOrder } from './create-order';
import { lostUpdate } from './lost-update';
import { nPlusOne } from './n-plus-one';
import { pagination } from './pagination';
import { pointRead } from './point-read';
import { pooling } from './pooling';
import { transferContention } from './transfer-contention';
import { upsert } from './upsert';

/** Every scenario, in report order (the order of SCENARIO_IDS). */
export const SCENARIOS: readonly Scenario[] = [
  nPlusOne,
  pagination,
  bulkInsert,
  pooling,
  pointRead,
  createOrder,
  transferContention,
  lostUpdate,
  upsert,
];
