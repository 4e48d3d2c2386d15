import { type PlanNode, rowsRead, type StatementPlan } from '../plans';
import type { CaseResult, ScenarioReport } from '../runner';
import { fmt, markdownTable } from './table';

function nodeLine(n: PlanNode): string {
  const on = n.index ? ` using ${n.index}` : '';
  const of = n.relation ? ` on ${n.relation}` : '';
  const facts = [
    `rows ${n.rows.toLocaleString('en-US')}`,
    ...(n.removed ? [`removed ${n.removed.toLocaleString('en-US')}`] : []),
    ...(n.buffers ? [`buffers ${n.buffers.toLocaleString('en-US')}`] : []),
    ...(n.ms !== null ? [`${fmt(n.ms)} ms`] : []),
  ];
  return `${'  '.repeat(n.depth)}${n.node}${on}${of} · ${facts.join(' · ')}`;
}

/** A plan as indented lines: node, index, relation, rows, rows removed, buffers, time. */
export function planText(plan: StatementPlan): string {
  const lines = plan.nodes.map(nodeLine);
  if (plan.executionMs !== null) lines.push(`execution ${fmt(plan.executionMs)} ms`);
  if (plan.note) lines.push(plan.note);
  return lines.join('\n');
}

/** The node types of a plan in depth-first order, e.g. "Limit > Index Scan (orders)": its shape. */
export function planShape(plan: StatementPlan | null | undefined): string {
  if (!plan) return '';
  return plan.nodes.map((n) => `${n.node}${n.relation ? ` (${n.relation})` : ''}`).join(' > ');
}

/** The plans of one result, to print under its SQL block, and how they differ from raw pg's. */
export function planBlock(result: CaseResult): string {
  const sql = result.counts?.sql ?? [];
  const body = sql.flatMap((s, i) => (s.plan ? [`-- statement ${i + 1}\n${planText(s.plan)}`] : []));
  if (body.length === 0) return '';
  const flags = result.counts?.planFlags ?? [];
  const parts = [
    `Plans (${result.case}; EXPLAIN ANALYZE with the values first bound, writes rolled back):`,
    `\`\`\`text\n${body.join('\n')}\n\`\`\``,
  ];
  if (flags.length) parts.push(`Differs from raw pg: ${flags.join('; ')}.`);
  return parts.join('\n\n');
}

/** Every plan-shape difference from raw pg in a scenario, one line per implementation and case. */
export function planFlagList(report: ScenarioReport): string {
  const lines = report.results
    .filter((r) => r.counts?.planFlags?.length)
    .map((r) => `- ${r.impl}, ${r.case}: ${r.counts!.planFlags!.join('; ')}`);
  return lines.length ? `Plans that differ in shape from raw pg's:\n\n${lines.join('\n')}` : '';
}

/** Pagination: OFFSET and keyset plans at the deepest page, side by side (rows read and discarded). */
export function paginationPlans(report: ScenarioReport): string {
  const depths = report.results.map((r) => Number(r.labels.depth)).filter(Number.isFinite);
  if (report.scenario.id !== 'pagination' || depths.length === 0) return '';
  const depth = Math.max(...depths);
  const of = (impl: string, method: string) => {
    const r = report.results.find((x) => x.impl === impl && x.case === `${method}/${depth}`);
    const plans = (r?.counts?.sql ?? []).flatMap((s) => (s.plan ? [s.plan] : []));
    if (plans.length === 0) return ['—', '—', '—'];
    return [
      plans.map(planShape).join(' + '),
      plans.reduce((sum, p) => sum + rowsRead(p.nodes), 0).toLocaleString('en-US'),
      fmt(plans.reduce((sum, p) => sum + (p.executionMs ?? 0), 0)),
    ];
  };
  const impls = [...new Set(report.results.map((r) => r.impl))];
  if (!impls.some((i) => of(i, 'offset')[0] !== '—')) return '';
  return [
    `Plans at depth ${depth.toLocaleString('en-US')}: OFFSET reads every earlier row and discards it, the keyset cursor seeks the index.`,
    markdownTable({
      columns: [
        'impl',
        'offset plan',
        'offset rows read',
        'offset ms',
        'keyset plan',
        'keyset rows read',
        'keyset ms',
      ],
      numeric: [false, false, true, true, false, true, true],
      rows: impls.map((impl) => [impl, ...of(impl, 'offset'), ...of(impl, 'keyset')]),
    }),
  ].join('\n\n');
}
