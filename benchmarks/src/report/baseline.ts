import { PGBENCH_ID, PGBENCH_MODES, type PgbenchInfo } from '../pgbench';
import { REFERENCE_ID } from '../registry';
import type { ScenarioReport } from '../runner';
import { fmtRatio } from './table';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Raw pg against pgbench, like for like: the same statement, the same database, as many pgbench clients as
 * the pool has connections, in the same rounds; per pool size, raw pg unnamed ÷ pgbench -M extended and raw
 * pg prepared ÷ pgbench -M prepared (the median of the per-round ratios with its interval). Null when no
 * pooling ran; one line with the reason when pgbench was not there.
 */
export function pgbenchComparison(
  info: PgbenchInfo | null,
  reports: readonly ScenarioReport[],
): string | null {
  const pooling = reports.find((r) => r.scenario.id === 'pooling');
  if (!info || !pooling) return null;
  if ('skipped' in info) return `pgbench baseline: n/a (${info.skipped}).`;
  const lines = [
    `pgbench baseline (${info.version}): getProduct's statement from a custom script (\`-f\`, random ids), \`-c\` = the pool size, run in the same interleaved rounds as the libraries through the same route; each ratio is raw pg's ops/s ÷ pgbench's in the same round (median over rounds, 95% interval).`,
  ];
  for (const mode of ['unnamed', 'prepared'] as const) {
    const parts: string[] = [];
    for (const bench of pooling.results.filter(
      (r) => r.impl === PGBENCH_ID && r.labels.statements === mode,
    )) {
      const pg = pooling.results.find((r) => r.impl === REFERENCE_ID && r.case === bench.case);
      if (!pg) continue;
      parts.push(
        `pool ${bench.labels.pool}: ${int(pg.opsPerSec)} vs ${int(bench.opsPerSec)} ops/s = ${fmtRatio(bench.ratio, bench.ratioInterval)}`,
      );
    }
    if (parts.length) lines.push(`Raw pg ${mode} ÷ pgbench -M ${PGBENCH_MODES[mode]}: ${parts.join('; ')}.`);
  }
  return lines.join(' ');
}
