import { STATEMENT_MODES } from '../implementations';
import type { PgbenchBaseline } from '../pgbench';
import { REFERENCE_ID } from '../registry';
import type { ScenarioReport } from '../runner';
import { isPoolSizeRow } from '../scenario';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Raw pg's best closed-loop throughput (pooling) next to pgbench's select-only run on the same server: how
 * much of what the server can serve a Node.js client reaches. Null when there is nothing to compare.
 */
export function pgbenchComparison(
  baseline: PgbenchBaseline | null,
  reports: readonly ScenarioReport[],
): string | null {
  if (!baseline) return null;
  if ('skipped' in baseline) return `pgbench baseline: n/a (${baseline.skipped}).`;
  const runs = baseline.runs.map((r) => `\`${r.command}\` ${int(r.tps)} tps`).join('; ');
  const lines = [
    `pgbench baseline (${baseline.version}, \`pgbench -i -s ${baseline.scale}\` database on the same server, same route as the libraries, run straight after ${baseline.ranAfter}): ${runs}.`,
  ];
  const simple = baseline.runs.find((r) => r.mode === 'simple');
  const prepared = baseline.runs.find((r) => r.mode === 'prepared');
  const share = (opsPerSec: number, tps: number) => `${Math.round((100 * opsPerSec) / tps)}%`;
  const pooled = (reports.find((r) => r.scenario.id === 'pooling')?.results ?? []).filter(
    (r) => r.impl === REFERENCE_ID && isPoolSizeRow(r),
  );
  for (const mode of STATEMENT_MODES) {
    const best = pooled
      .filter((r) => r.labels.statements === mode)
      .sort((a, b) => b.opsPerSec - a.opsPerSec)[0];
    if (!best || !simple) continue;
    lines.push(
      `Raw pg, ${mode} statements, best pool size (${best.labels.pool}, ${best.labels.callers} callers): ${int(best.opsPerSec)} ops/s = ${share(best.opsPerSec, simple.tps)} of pgbench's ${int(simple.tps)} tps (simple protocol)${mode === 'prepared' && prepared ? `, ${share(best.opsPerSec, prepared.tps)} of its ${int(prepared.tps)} tps with -M prepared` : ''}.`,
    );
  }
  return lines.join(' ');
}
