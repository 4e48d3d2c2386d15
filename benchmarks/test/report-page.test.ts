/// <reference lib="dom" />
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, reportPage } from '../src/report/page/index';
import { SCENARIO_METHODS } from '../src/report/page/operations';
import { loadRun } from '../src/run-data';
import { SCENARIO_IDS } from '../src/scenarios/ids';

/**
 * The reference run's index.html in a real browser: Chromium (Debian's `chromium` package; .ci/run installs
 * it) driven by playwright-core, which never downloads a browser of its own. Found through CHROME_PATH or the
 * usual paths; without one the browser checks report themselves skipped with that reason.
 */
const CANDIDATES = [
  process.env.CHROME_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
].filter((p): p is string => !!p);
const CHROME = CANDIDATES.find((p) => existsSync(p)) ?? null;
const NO_CHROME = `no Chromium found (CHROME_PATH unset or missing; none of ${CANDIDATES.join(', ')}): apt-get install chromium`;

const REFERENCE = join(REPO_ROOT, 'benchmarks/results/reference-default');
/** Every implementation package in the repository (the code view shows each). */
const IMPL_PACKAGES = [
  'pg',
  'kysely',
  'knex',
  'drizzle',
  'prisma',
  'typeorm',
  'postgresjs',
  'mikroorm',
  'sequelize',
];
/** Where to copy the screenshot (docs/report.png when regenerating it); the test's own directory otherwise. */
const SCREENSHOT = process.env.DAL_REPORT_SCREENSHOT;

describe('report page', () => {
  it('maps every scenario to the contract method it times', () => {
    for (const id of SCENARIO_IDS) expect(SCENARIO_METHODS[id], id).toBeTypeOf('function');
  });

  describe('in Chromium, from disk, with the network blocked', () => {
    let browser: Browser | undefined;
    let dir = '';
    let file = '';
    let size = 0;
    let implsInRun: string[] = [];
    let scenarios: string[] = [];

    beforeAll(async () => {
      if (!CHROME) return;
      const run = loadRun(REFERENCE);
      // pgbench is a baseline row of pooling only, not an implementation every table lists
      implsInRun = [...new Set(run.results.map((r) => r.impl))].filter((impl) => impl !== 'pgbench');
      scenarios = [...new Set(run.results.map((r) => r.scenario))];
      dir = mkdtempSync(join(tmpdir(), 'dal-report-'));
      const html = await reportPage(run);
      size = Buffer.byteLength(html);
      file = join(dir, 'index.html');
      writeFileSync(file, html);
      browser = await chromium.launch({ executablePath: CHROME });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('loads without errors or network, draws every chart, sorts, shows the code view', async (t) => {
      if (!browser) return t.skip(NO_CHROME);
      expect(size).toBeLessThan(3 * 1024 * 1024);
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
      const outside: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        outside.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));

      const began = performance.now();
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(
        (n) => document.querySelectorAll('.chart[data-rendered=true]').length === n,
        scenarios.length,
        { timeout: 30_000 },
      );
      const loadMs = performance.now() - began;
      const domMs = await page.evaluate(
        () =>
          (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
            .domContentLoadedEventEnd,
      );
      process.stdout.write(
        `report page: ${Math.round(size / 1024)} KB, DOMContentLoaded after ${Math.round(domMs)} ms, every chart drawn after ${Math.round(loadMs)} ms\n`,
      );

      // every scenario's chart has drawn marks
      for (const id of scenarios) {
        const marks = await page
          .locator(
            `.chart[data-scenario="${id}"] svg .role-mark path, .chart[data-scenario="${id}"] svg .role-mark line`,
          )
          .count();
        expect(marks, `${id} chart marks`).toBeGreaterThan(0);
      }

      // values on hover: a bar of the n-plus-one chart shows its data in vega-tooltip's element
      await page.locator('.chart[data-scenario="n-plus-one"] svg .mark-rect path').first().hover();
      await expect.poll(() => page.locator('#vg-tooltip-element.visible').textContent()).toMatch(/impl/);

      // each scenario's table has a row for every implementation of the run
      for (const id of scenarios) {
        const impls = await page
          .locator(`#s-${id} table.results tbody tr`)
          .evaluateAll((rows) => [...new Set(rows.map((r) => (r as HTMLElement).dataset.impl))]);
        expect(impls.filter((impl) => impl !== 'pgbench').sort(), `${id} table`).toEqual(
          [...implsInRun].sort(),
        );
      }
      // "≈ pg" verdicts are there, and the table sorts by a column
      expect(await page.locator('td.ratio.same').count()).toBeGreaterThan(0);
      const opsColumn = page.locator('#s-point-read table.results th', { hasText: 'ops/s' });
      await opsColumn.click();
      await opsColumn.click();
      const sorted = await page
        .locator('#s-point-read table.results tbody tr')
        .evaluateAll(
          (rows, col) => rows.map((r) => Number((r as HTMLTableRowElement).cells[col]!.dataset.v)),
          Number(await opsColumn.getAttribute('data-col')),
        );
      expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
      // the SQL each implementation sent, collapsed until opened
      const sql = page.locator('#s-transfer-contention details.sql-of').first();
      await expect.poll(() => sql.locator('pre.sql').isVisible()).toBe(false);
      await sql.locator('summary').click();
      await expect.poll(() => sql.locator('pre.sql').isVisible()).toBe(true);

      // code view of transfer: every implementation package, each with its source and what the benchmark saw
      await page.selectOption('#method', 'transfer');
      await page.check('input[name=mode][value=all]');
      const cards = page.locator('#code-cards .card');
      expect(await cards.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.impl))).toEqual(
        IMPL_PACKAGES,
      );
      for (const impl of IMPL_PACKAGES) {
        const card = page.locator(`#code-cards .card[data-impl="${impl}"]`);
        expect(await card.locator('pre.code').first().textContent(), impl).toMatch(/async transfer\(/);
      }
      for (const impl of implsInRun) {
        const seen = page.locator(`#code-cards .card[data-impl="${impl}"] .seen`);
        expect(await seen.textContent(), impl).toMatch(/transfer-contention.*statement\(s\)\/op/s);
        expect(await seen.locator('pre.sql').count(), impl).toBeGreaterThan(0);
      }
      // escape hatches are marked: TypeORM's transfer writes its balance expressions as SQL text
      const typeorm = page.locator('#code-cards .card[data-impl="typeorm"]');
      expect(await typeorm.locator('.hatches').textContent()).toMatch(/escape hatch\s*transfer/);
      expect(await typeorm.locator('.ln.eh').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(dir, 'report.png') });

      // the two-column pick: any two implementations side by side
      await page.selectOption('#left', 'prisma');
      await page.selectOption('#right', 'drizzle');
      expect(await page.isChecked('input[name=mode][value=two]')).toBe(true);
      expect(await cards.evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.impl))).toEqual([
        'prisma',
        'drizzle',
      ]);
      const [a, b] = await cards.evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect().toJSON()));
      expect(a.top).toBe(b.top);
      expect(b.left).toBeGreaterThan(a.left + a.width - 1);
      // each column keeps its code inside it (long lines scroll within the code block)
      for (const overflow of await cards.evaluateAll((cs) => cs.map((c) => c.scrollWidth - c.clientWidth))) {
        expect(overflow).toBeLessThanOrEqual(0);
      }
      await page.selectOption('#method', 'createOrder');
      expect(await cards.count()).toBe(2);
      expect(await cards.first().locator('pre.code').first().textContent()).toMatch(/async createOrder\(/);

      // a view for the README: the top of the page, environment and the first charts
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: SCREENSHOT ?? join(dir, 'report-top.png') });

      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  });
});
