import type { Pool } from 'pg';
import { messageOf } from './errors';
import type { SentStatement } from './wire-sql';

/** One node of a plan, depth-first, as EXPLAIN (ANALYZE, BUFFERS) reported it. */
export interface PlanNode {
  depth: number;
  /** Node type, e.g. "Index Scan", "Seq Scan", "Limit". */
  node: string;
  relation?: string;
  index?: string;
  /** Actual rows per loop × loops (estimated rows where not analysed). */
  rows: number;
  /** Rows a scan read and threw away (filter, join filter, index recheck), all loops. */
  removed: number;
  /** Shared buffers hit + read. */
  buffers: number;
  /** Actual total time of the node in ms (all loops); null where not analysed. */
  ms: number | null;
}

/** The plan of one distinct statement an operation sent. */
export interface StatementPlan {
  /** EXPLAIN ANALYZE ran it (with the values first bound); false: the plan without running it. */
  analyzed: boolean;
  nodes: PlanNode[];
  executionMs: number | null;
  /** Why the statement was not analysed or has no plan. */
  note?: string;
}

/** Statements EXPLAIN accepts; SET, SHOW, COPY and the like have no plan. */
const EXPLAINABLE = /^\s*\(?\s*(select|insert|update|delete|with|values|merge|table)\b/i;
/** Statements are planned in the count phase only; operations that send more distinct texts list the first ones. */
export const MAX_PLANS_PER_OPERATION = 12;
const SCANS = /Scan$/;

interface JsonPlan {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Plan Rows'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Join Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Actual Total Time'?: number;
  Plans?: JsonPlan[];
}

/** Flattens EXPLAIN's JSON into the compact node list published in summary.md and raw.json. */
export function compactPlan(plan: JsonPlan, depth = 0, out: PlanNode[] = []): PlanNode[] {
  const loops = plan['Actual Loops'] ?? 1;
  const analyzed = plan['Actual Rows'] !== undefined;
  out.push({
    depth,
    node: plan['Node Type'],
    ...(plan['Relation Name'] ? { relation: plan['Relation Name'] } : {}),
    ...(plan['Index Name'] ? { index: plan['Index Name'] } : {}),
    rows: Math.round(analyzed ? plan['Actual Rows']! * loops : (plan['Plan Rows'] ?? 0)),
    removed: Math.round(
      ((plan['Rows Removed by Filter'] ?? 0) +
        (plan['Rows Removed by Join Filter'] ?? 0) +
        (plan['Rows Removed by Index Recheck'] ?? 0)) *
        loops,
    ),
    buffers: (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0),
    ms: analyzed ? Math.round(plan['Actual Total Time']! * loops * 1000) / 1000 : null,
  });
  for (const child of plan.Plans ?? []) compactPlan(child, depth + 1, out);
  return out;
}

/** Rows the scans of a plan produced plus those they read and threw away: what the statement read. */
export function rowsRead(nodes: readonly PlanNode[]): number {
  return nodes.filter((n) => SCANS.test(n.node)).reduce((sum, n) => sum + n.rows + n.removed, 0);
}

/** A statement past MAX_PLANS_PER_OPERATION: null if EXPLAIN would not take it, else a plan-less note. */
export function notPlanned(statement: SentStatement): StatementPlan | null {
  if (!EXPLAINABLE.test(statement.text)) return null;
  return {
    analyzed: false,
    nodes: [],
    executionMs: null,
    note: `not planned: the operation sent more than ${MAX_PLANS_PER_OPERATION} distinct statements`,
  };
}

/** A per-statement plan figure summed over an operation's statements, each weighted by its executions per operation. */
export function perOperation(
  sql: ReadonlyArray<{ plan?: StatementPlan | null; executedPerOp?: number }>,
  of: (nodes: PlanNode[]) => number,
): number {
  return sql.reduce((sum, s) => sum + (s.plan ? of(s.plan.nodes) * (s.executedPerOp ?? 1) : 0), 0);
}

/**
 * The plan of a statement as the library sent it: the same text, prepared with the parameter types its Parse
 * gave, executed with the values of its first execution, inside a transaction that is rolled back (writes
 * leave nothing behind; sequences still advance, as they do for any rolled-back insert). A statement whose
 * values are not known (binary parameters) or that fails when run again (e.g. a unique key the counted
 * operation has taken since) gets its plan without ANALYZE, with the reason.
 */
export async function explainStatement(pool: Pool, statement: SentStatement): Promise<StatementPlan | null> {
  if (!EXPLAINABLE.test(statement.text)) return null;
  const client = await pool.connect();
  try {
    const run = async (analyze: boolean): Promise<StatementPlan> => {
      await client.query('BEGIN');
      try {
        const options = analyze ? 'ANALYZE, BUFFERS, FORMAT JSON' : 'FORMAT JSON';
        const params = statement.params ?? [];
        let explained: Array<{ 'QUERY PLAN': Array<{ Plan: JsonPlan; 'Execution Time'?: number }> }>;
        if (params.length === 0 && statement.paramTypes.length === 0) {
          ({ rows: explained } = await client.query(`EXPLAIN (${options}) ${statement.text}`));
        } else if (analyze) {
          const { rows: types } = await client.query<{ name: string }>(
            `SELECT CASE WHEN t = 0 THEN 'unknown' ELSE format_type(t, NULL) END AS name
               FROM unnest($1::oid[]) WITH ORDINALITY AS u(t, i) ORDER BY i`,
            [params.map((_, i) => statement.paramTypes[i] ?? 0)],
          );
          await client.query(
            `PREPARE dal_plan (${types.map((t) => t.name).join(', ')}) AS ${statement.text}`,
          );
          const values = params.map((v) => (v === null ? 'NULL' : client.escapeLiteral(v)));
          ({ rows: explained } = await client.query(
            `EXPLAIN (${options}) EXECUTE dal_plan (${values.join(', ')})`,
          ));
        } else {
          // PostgreSQL 16+: the plan of a statement with $n placeholders, no values needed
          ({ rows: explained } = await client.query(`EXPLAIN (GENERIC_PLAN, FORMAT JSON) ${statement.text}`));
        }
        const top = explained[0]?.['QUERY PLAN'][0];
        if (!top) throw new Error('EXPLAIN returned no plan');
        return {
          analyzed: analyze,
          nodes: compactPlan(top.Plan),
          executionMs: top['Execution Time'] ?? null,
        };
      } finally {
        await client.query('ROLLBACK');
        await client.query('DEALLOCATE ALL');
      }
    };
    const canAnalyze =
      !statement.binaryParams && (statement.params !== null || statement.paramTypes.length === 0);
    if (canAnalyze) {
      try {
        return await run(true);
      } catch (error) {
        const note = `not analysed: ${messageOf(error)}`;
        try {
          return { ...(await run(false)), note };
        } catch {
          return { analyzed: false, nodes: [], executionMs: null, note };
        }
      }
    }
    try {
      return { ...(await run(false)), note: 'not analysed: binary parameter values' };
    } catch (error) {
      return { analyzed: false, nodes: [], executionMs: null, note: `no plan: ${messageOf(error)}` };
    }
  } finally {
    client.release();
  }
}
