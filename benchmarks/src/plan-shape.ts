import { type PlanNode, perOperation, rowsRead, type StatementPlan } from './plans';
import type { Counts } from './runner';

const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan', 'Bitmap Index Scan']);
/** A per-operation total differs when it is this many times the other's and the gap is larger than the floor. */
const FACTOR = 2;
const ROWS_FLOOR = 100;

interface Shape {
  nodes: PlanNode[];
  /** Per operation, weighted by executions; null when a statement of the operation has no analysed plan. */
  rowsRead: number | null;
  buffers: number | null;
}

/** A library's look-ups in the system catalogs (postgres.js' type query when it connects) are not the operation's. */
const catalogOnly = (plan: StatementPlan | null | undefined) =>
  Boolean(plan?.nodes.length) && plan!.nodes.every((n) => !n.relation || n.relation.startsWith('pg_'));

function shapeOf(counts: Counts): Shape | null {
  const planned = (counts.sql ?? []).filter((s) => s.plan !== undefined && !catalogOnly(s.plan));
  if (planned.length === 0) return null;
  const nodes = planned.flatMap((s) => s.plan?.nodes ?? []);
  const complete = planned.every((s) => !s.plan || s.plan.analyzed) && planned.some((s) => s.plan);
  const total = (of: (nodes: PlanNode[]) => number) => (complete ? perOperation(planned, of) : null);
  return {
    nodes,
    rowsRead: total(rowsRead),
    // a node's buffers include its children's: the top node's are the statement's
    buffers: total((n) => n[0]?.buffers ?? 0),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const apart = (a: number, b: number) =>
  Math.max(a, b) >= FACTOR * Math.min(a, b) && Math.abs(a - b) > ROWS_FLOOR;

/**
 * How the plans of one implementation's operation differ in shape from raw pg's for the same case: a
 * sequential scan of a table raw pg reads through an index, a sort raw pg does not need, more rows returned
 * (e.g. a flat join repeating each order per item), or several times the rows read or buffers touched.
 */
export function planFlags(counts: Counts, reference: Counts): string[] {
  const mine = shapeOf(counts);
  const pg = shapeOf(reference);
  if (!mine || !pg) return [];
  const flags: string[] = [];
  const seqScanned = new Set(mine.nodes.filter((n) => n.node === 'Seq Scan').map((n) => n.relation));
  for (const relation of seqScanned) {
    const pgReads = pg.nodes.filter((n) => n.relation === relation);
    if (pgReads.length && pgReads.every((n) => INDEX_SCANS.has(n.node)))
      flags.push(`Seq Scan on ${relation} where raw pg uses an index`);
  }
  if (mine.nodes.some((n) => n.node === 'Sort') && !pg.nodes.some((n) => n.node === 'Sort'))
    flags.push('sorts where raw pg reads in index order');
  const rows = counts.rowsPerOp;
  const pgRows = reference.rowsPerOp;
  if (Math.abs(rows - pgRows) > Math.max(1, 0.1 * pgRows))
    flags.push(`returns ${fmt(rows)} rows per operation where raw pg returns ${fmt(pgRows)}`);
  if (mine.rowsRead !== null && pg.rowsRead !== null && apart(mine.rowsRead, pg.rowsRead))
    flags.push(`reads ${fmt(mine.rowsRead)} rows per operation where raw pg reads ${fmt(pg.rowsRead)}`);
  if (mine.buffers !== null && pg.buffers !== null && apart(mine.buffers, pg.buffers))
    flags.push(`touches ${fmt(mine.buffers)} buffers per operation where raw pg touches ${fmt(pg.buffers)}`);
  return flags;
}
