import { describe, expect, it } from 'vitest';
import { planFlags } from '../src/plan-shape';
import { compactPlan, type PlanNode, rowsRead } from '../src/plans';
import { planText } from '../src/report/plans';
import type { Counts } from '../src/runner';

// EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of an OFFSET page, trimmed to the keys compactPlan reads
const offsetPage = {
  'Node Type': 'Limit',
  'Actual Rows': 20,
  'Actual Loops': 1,
  'Shared Hit Blocks': 900,
  'Actual Total Time': 41.5,
  Plans: [
    {
      'Node Type': 'Index Scan',
      'Relation Name': 'orders',
      'Index Name': 'orders_created_at_id_idx',
      'Actual Rows': 200_020,
      'Actual Loops': 1,
      'Shared Hit Blocks': 880,
      'Shared Read Blocks': 20,
      'Actual Total Time': 40.1,
    },
  ],
};

const node = (over: Partial<PlanNode>): PlanNode => ({
  depth: 0,
  node: 'Result',
  rows: 1,
  removed: 0,
  buffers: 0,
  ms: 0.1,
  ...over,
});
const counts = (rowsPerOp: number, nodes: PlanNode[], executedPerOp = 1): Counts => ({
  statementsPerOp: executedPerOp,
  rowsPerOp,
  queries: [],
  sql: [{ text: 'SELECT …', sentPerOp: 1, executedPerOp, plan: { analyzed: true, nodes, executionMs: 1 } }],
});

describe('compactPlan', () => {
  it('keeps node, index, relation, rows × loops, rows removed, buffers and time, depth first', () => {
    const nodes = compactPlan(offsetPage);
    expect(nodes).toEqual([
      { depth: 0, node: 'Limit', rows: 20, removed: 0, buffers: 900, ms: 41.5 },
      {
        depth: 1,
        node: 'Index Scan',
        relation: 'orders',
        index: 'orders_created_at_id_idx',
        rows: 200_020,
        removed: 0,
        buffers: 900,
        ms: 40.1,
      },
    ]);
    expect(rowsRead(nodes)).toBe(200_020);
    expect(planText({ analyzed: true, nodes, executionMs: 41.6 })).toBe(
      'Limit · rows 20 · buffers 900 · 41.5 ms\n  Index Scan using orders_created_at_id_idx on orders · rows 200,020 · buffers 900 · 40.1 ms\nexecution 41.6 ms',
    );
  });

  it('multiplies per-loop rows by loops and counts filtered rows as read', () => {
    const [n] = compactPlan({
      'Node Type': 'Seq Scan',
      'Actual Rows': 2,
      'Actual Loops': 50,
      'Rows Removed by Filter': 10,
    });
    expect(n).toMatchObject({ rows: 100, removed: 500 });
    expect(rowsRead([n!])).toBe(600);
  });
});

describe('planFlags', () => {
  const indexRead = [
    node({ node: 'Limit', rows: 20, buffers: 4 }),
    node({ depth: 1, node: 'Index Scan', relation: 'orders', rows: 20, buffers: 4 }),
  ];

  it('flags nothing when the shapes match', () => {
    expect(planFlags(counts(20, indexRead), counts(20, indexRead))).toEqual([]);
  });

  it('flags a sequential scan and a sort where raw pg reads through an index', () => {
    const scanned = [
      node({ node: 'Limit', rows: 20, buffers: 9000 }),
      node({ depth: 1, node: 'Sort', rows: 20, buffers: 9000 }),
      node({ depth: 2, node: 'Seq Scan', relation: 'orders', rows: 1_000_000, buffers: 9000 }),
    ];
    expect(planFlags(counts(20, scanned), counts(20, indexRead))).toEqual([
      'Seq Scan on orders where raw pg uses an index',
      'sorts where raw pg reads in index order',
      'reads 1,000,000 rows per operation where raw pg reads 20',
      'touches 9,000 buffers per operation where raw pg touches 4',
    ]);
  });

  it('flags a flat join returning more rows, weighting each statement by its executions', () => {
    const flat = [
      node({ node: 'Nested Loop', rows: 140 }),
      node({ depth: 1, node: 'Index Scan', relation: 'orders', rows: 140, buffers: 4 }),
    ];
    const fifty = [
      node({ node: 'Limit', rows: 50, buffers: 4 }),
      node({ depth: 1, node: 'Index Scan', relation: 'orders', rows: 50, buffers: 4 }),
    ];
    expect(planFlags(counts(140, flat), counts(50, fifty))).toEqual([
      'returns 140 rows per operation where raw pg returns 50',
    ]);
    // 50 executions of a 20-row read are 1,000 rows read
    expect(planFlags(counts(20, indexRead, 50), counts(20, indexRead))).toContain(
      'reads 1,000 rows per operation where raw pg reads 20',
    );
  });
});
