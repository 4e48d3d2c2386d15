// The page's script (inlined into index.html by src/report/page/index.ts): charts, sortable tables and the
// code view. Plain browser JavaScript, no build step; vega, vega-lite and vega-embed are inlined before it.
(() => {
  const data = JSON.parse(document.getElementById('dal-data').textContent);
  const esc = (s) =>
    String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

  // charts: vega-embed over the same vega-lite specs as the SVGs, rendered as SVG, values on hover
  for (const el of document.querySelectorAll('.chart[data-scenario]')) {
    const spec = data.charts[el.dataset.scenario];
    if (!spec) continue;
    window
      .vegaEmbed(el, spec, { actions: false, renderer: 'svg' })
      .then(() => {
        el.dataset.rendered = 'true';
      })
      .catch((error) => {
        el.textContent = `chart failed: ${error.message}`;
        console.error(error);
      });
  }

  // sortable tables: click a heading; numbers sort by their value, text alphabetically
  for (const table of document.querySelectorAll('table.sortable')) {
    const heads = table.tHead.rows[0].cells;
    for (const th of heads) {
      th.addEventListener('click', () => {
        const col = Number(th.dataset.col);
        const dir = th.dataset.dir === 'asc' ? 'desc' : 'asc';
        for (const other of heads) delete other.dataset.dir;
        th.dataset.dir = dir;
        const body = table.tBodies[0];
        const rows = [...body.rows];
        const key = (row) => {
          const cell = row.cells[col];
          return cell.dataset.v === undefined ? cell.textContent : Number(cell.dataset.v);
        };
        rows.sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const order =
            typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return dir === 'asc' ? order : -order;
        });
        for (const row of rows) body.appendChild(row);
      });
    }
  }

  // code view
  const methodSelect = document.getElementById('method');
  const left = document.getElementById('left');
  const right = document.getElementById('right');
  const cards = document.getElementById('code-cards');
  for (const m of data.methods) methodSelect.add(new Option(m, m));
  for (const impl of data.impls) {
    left.add(new Option(impl.name, impl.id));
    right.add(new Option(impl.name, impl.id));
  }
  left.value = data.impls[0]?.id ?? '';
  right.value = data.impls[1]?.id ?? '';
  // first a method this run timed, in contract order
  methodSelect.value = data.methods.find((m) => data.ops[m]) ?? data.methods[0];

  const src = data.source;
  const note = document.querySelector('.source-note');
  note.textContent =
    `Source extracted from packages/impl-*/src at commit ${src.head ? src.head.slice(0, 12) : 'unknown'}` +
    `${src.dirty ? ' with uncommitted changes' : ''} when this page was built; this run measured commit ` +
    `${src.runSha ? src.runSha.slice(0, 12) : 'unknown'}${src.runDirty ? ' with uncommitted changes' : ''}. ` +
    'Escape hatches (SQL text the library did not generate) are marked.';

  // a SQL block of the results view, shown again by its id
  const sqlHtml = (id) => {
    const pre = document.getElementById(id);
    return pre ? `<pre class="sql">${pre.innerHTML}</pre>` : '';
  };
  const codeLines = (block) => {
    const marked = new Set(block.eh.flatMap((e) => e.lines));
    return block.html
      .split('\n')
      .map((line, i) => `<span class="ln${marked.has(i) ? ' eh' : ''}">${line}</span>`)
      .join('\n');
  };

  const opsHtml = (method, impl) => {
    const ops = data.ops[method]?.[impl.id];
    if (!impl.inRun) return '<p class="muted">not in this run</p>';
    if (!ops?.length) return '<p class="muted">no scenario of this run times this method</p>';
    return ops
      .map(
        (o) =>
          `<div class="op"><p><b>${esc(o.scenario)}</b> ${esc(o.cases)}: ${esc(o.stmts)} statement(s)/op</p><ul>${o.ratios
            .map((r) => `<li>${esc(r[0])}: <span class="ratio ${esc(r[2])}">${esc(r[1])}</span></li>`)
            .join('')}</ul>${sqlHtml(o.sql)}</div>`,
      )
      .join('');
  };

  const card = (method, impl) => {
    const code = data.code[impl.id];
    const ids = code?.methods[method] ?? [];
    const blocks = ids.map((id) => code.blocks[id]);
    const hatches = blocks.flatMap((b) => b.eh);
    const badges = hatches.length
      ? `<ul class="hatches">${hatches.map((e) => `<li><span class="badge">escape hatch</span> <b>${esc(e.label)}</b>: ${esc(e.reason)}</li>`).join('')}</ul>`
      : '';
    const flags = [
      impl.inRun ? '' : '<span class="flag">not in this run</span>',
      impl.changed ? '<span class="flag">source changed since the run</span>' : '',
    ].join('');
    const body = blocks.length
      ? blocks
          .map(
            (b) =>
              `<div class="block ${b.kind}"><div class="where">${b.kind === 'helper' ? 'helper ' : ''}<b>${esc(b.name)}</b> — ${esc(b.file)}:${b.line}</div><pre class="code"><code style="counter-reset:ln ${b.line - 1}">${codeLines(b)}</code></pre></div>`,
          )
          .join('')
      : '<p class="muted">no such method in this implementation</p>';
    return `<article class="card" data-impl="${esc(impl.id)}"><h3>${esc(impl.name)} <small>${esc(impl.id)}</small>${flags}</h3>${badges}<div class="card-body"><div class="source">${body}</div><aside class="seen"><h4>what the benchmark saw</h4>${opsHtml(method, impl)}</aside></div></article>`;
  };

  const render = () => {
    const method = methodSelect.value;
    const mode = document.querySelector('input[name=mode]:checked').value;
    const shown =
      mode === 'two'
        ? [left.value, right.value].map((id) => data.impls.find((i) => i.id === id))
        : data.impls;
    cards.className = mode === 'two' ? 'two' : 'all';
    cards.innerHTML = shown.map((impl) => card(method, impl)).join('');
  };
  for (const el of [methodSelect, left, right]) el.addEventListener('change', render);
  for (const el of document.querySelectorAll('input[name=mode]')) el.addEventListener('change', render);
  for (const el of [left, right]) {
    el.addEventListener('change', () => {
      document.querySelector('input[name=mode][value=two]').checked = true;
      render();
    });
  }
  render();
})();
