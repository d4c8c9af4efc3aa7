// kreislauf dashboard: scenarios page (SFC models: parameters, runs against the baseline, Monte Carlo)
'use strict';
const $ = id => document.getElementById(id);
const esc = s => String(s ?? '—').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;',
  '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b',
  '#e377c2'];
let models = {}, job = null;
const WORDS = {baseline: 'Basislauf', scenario: 'Szenario', median: 'Median', draws: 'Ziehungen',
  excluded: 'ausgeschlossen'};
const w = word => LANG === 'de' ? WORDS[word] : word;

function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}
function current() { return models[$('model').value]; }
function explain(detail) {
  if (Array.isArray(detail)) return detail.map(d => `${d.loc.slice(1).join('.')}: ${d.msg}`).join('; ');
  return String(detail);
}
function fill() {
  const m = current();
  $('model-source').textContent = `${m.title} — ${m.source} (${m.frequency})`;
  $('scenario').innerHTML = '';
  $('scenario').add(new Option($('scenario').dataset.none, ''));
  for (const s of m.scenarios) $('scenario').add(new Option(`${s.name}${s.description ? ': ' + s.description : ''}`, s.id));
  $('params').querySelector('tbody').innerHTML = m.parameters.map(p => {
    const step = (p.max - p.min) / 200;
    return `<tr data-name="${esc(p.name)}"><td><input type="checkbox" class="vary"></td>
      <td><code>${esc(p.name)}</code> <span class="muted">${esc(p.kind)}</span></td>
      <td><input type="range" class="slider" min="${p.min}" max="${p.max}" step="${step}"
        value="${p.value}"> <input type="number" class="value" id="p-${esc(p.name)}"
        min="${p.min}" max="${p.max}" step="any" value="${p.value}"></td>
      <td>${esc(p.value)}</td><td class="muted src" title="${esc(p.source)}">${esc(p.source)}</td></tr>`;
  }).join('');
  for (const row of $('params').querySelectorAll('tbody tr')) {
    const slider = row.querySelector('.slider'), box = row.querySelector('.value');
    slider.addEventListener('input', () => { box.value = slider.value; });
    box.addEventListener('input', () => { slider.value = box.value; });
  }
  $('declared-box').hidden = !m.distributions.length;
  $('declared').checked = m.distributions.length > 0;
  $('worth-title').textContent = $('worth-title').dataset[m.wealth];
  const first = $('params').querySelector('.vary');
  if (first && !m.distributions.length) first.checked = true;
  $('variables').innerHTML = m.variables.map(v => `<label><input type="checkbox" class="var"
    value="${esc(v)}"${m.key_variables.includes(v) ? ' checked' : ''}> ${esc(v)}</label>`).join(' ');
  run();
}
function chosen() {
  const m = current(), params = {};
  for (const row of $('params').querySelectorAll('tbody tr')) {
    const p = m.parameters.find(q => q.name === row.dataset.name);
    const v = Number(row.querySelector('.value').value);
    if (row.querySelector('.value').value !== '' && v !== p.value) params[p.name] = v;
  }
  const variables = [...document.querySelectorAll('.var:checked')].map(b => b.value).slice(0, 8);
  const body = {periods: Number($('periods').value), params, variables};
  if ($('scenario').value) body.scenario = $('scenario').value;
  return body;
}
function grid(n) {
  const cols = n > 1 ? 2 : 1, rows = Math.ceil(n / cols);
  return {rows, cols, layout: {grid: {rows, columns: cols, pattern: 'independent'},
    margin: {t: 30}, hovermode: 'x unified', height: Math.max(320, 230 * rows)}};
}
function axis(k) { return k === 0 ? ['x', 'y'] : ['x' + (k + 1), 'y' + (k + 1)]; }
function titles(variables) {
  return variables.map((v, k) => { const [xa, ya] = axis(k);
    return {text: `<b>${esc(v)}</b>`, xref: xa + ' domain', yref: ya + ' domain', x: 0, y: 1.12,
      showarrow: false}; });
}
function draw(res) {
  const g = grid(res.variables.length), traces = [];
  res.variables.forEach((v, k) => {
    const [xa, ya] = axis(k);
    traces.push({x: res.periods, y: res.baseline.paths[v], name: `${v} ${w('baseline')}`, xaxis: xa,
      yaxis: ya, mode: 'lines', line: {color: PALETTE[k % 8], dash: 'dot'}});
    traces.push({x: res.periods, y: res.scenario.paths[v], name: `${v} ${w('scenario')}`, xaxis: xa,
      yaxis: ya, mode: 'lines', line: {color: PALETTE[k % 8], width: 3}});
  });
  $('chart').style.height = g.layout.height + 'px';
  Plotly.react('chart', traces, Object.assign(g.layout, {annotations: titles(res.variables)}));
  const worth = [];
  Object.keys(res.scenario.wealth).forEach((s, k) => {
    worth.push({x: res.periods, y: res.baseline.wealth[s], name: `${s} ${w('baseline')}`, mode: 'lines',
      line: {color: PALETTE[k % 8], dash: 'dot'}});
    worth.push({x: res.periods, y: res.scenario.wealth[s], name: `${s} ${w('scenario')}`, mode: 'lines',
      line: {color: PALETTE[k % 8], width: 3}});
  });
  Plotly.react('worth', worth, {margin: {t: 20}, hovermode: 'x unified'});
  const sm = res.scenario.summary || {};
  $('summary').querySelector('tbody').innerHTML = Object.entries(sm).map(([k, v]) =>
    `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'object' ? JSON.stringify(v) : v)}</td></tr>`).join('');
}
// An error never leaves the previous result on screen: the charts and the summary are
// cleared and the status says what failed.
function failed(where, message) {
  const word = LANG === 'de' ? 'fehlgeschlagen' : 'failed';
  for (const id of where) { Plotly.purge(id); }
  if (where.includes('chart')) $('summary').querySelector('tbody').innerHTML = '';
  const status = where.includes('mc-chart') ? $('job-status') : $('run-status');
  status.textContent = `${word}: ${message}`;
  status.classList.add('error');
}
function run() {
  $('run-status').textContent = '…'; $('run-status').classList.remove('error');
  fetch(`/api/scenarios/${$('model').value}/run`, {method: 'POST',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify(chosen())})
    .then(r => r.json().then(j => [r.status, j])).then(([st, res]) => {
      if (st !== 200) { failed(['chart', 'worth'], explain(res.detail)); return; }
      if (!res.scenario.ok) { failed(['chart', 'worth'], res.scenario.error); return; }
      $('run-status').textContent = 'ok';
      draw(res);
    }).catch(err => failed(['chart', 'worth'], String(err)));
}
function drawBands(res) {
  const g = grid(res.variables.length), traces = [];
  res.variables.forEach((v, k) => {
    const [xa, ya] = axis(k), b = res.bands[v], col = PALETTE[k % 8];
    if (!b) return;
    const band = (lo, hi, op, label) => {
      traces.push({x: res.periods, y: b[hi], xaxis: xa, yaxis: ya, mode: 'lines',
        line: {width: 0}, showlegend: false, hoverinfo: 'skip'});
      traces.push({x: res.periods, y: b[lo], xaxis: xa, yaxis: ya, mode: 'lines',
        line: {width: 0}, fill: 'tonexty', fillcolor: rgba(col, op), name: `${v} ${label}`});
    };
    band('p05', 'p95', 0.18, '5-95 %');
    band('p25', 'p75', 0.4, '25-75 %');
    traces.push({x: res.periods, y: b.p50, xaxis: xa, yaxis: ya, mode: 'lines',
      name: `${v} ${w('median')}`, line: {color: col, width: 2}});
    traces.push({x: res.periods, y: res.baseline[v], xaxis: xa, yaxis: ya, mode: 'lines',
      name: `${v} ${w('baseline')}`, line: {color: 'black', dash: 'dot', width: 1}});
  });
  $('mc-chart').style.height = g.layout.height + 'px';
  Plotly.react('mc-chart', traces, Object.assign(g.layout, {annotations: titles(res.variables)}));
  $('job-status').textContent = `${statusWord('done')}: ${res.draws} ${w('draws')}, ` +
    `${res.excluded} ${w('excluded')} ` +
    `(${res.excluded_reason})` + (res.notes.length ? '; ' + res.notes.join('; ') : '');
}
function poll() {
  fetch('/api/jobs/' + job).then(r => r.json()).then(j => {
    $('progress').value = j.progress;
    $('job-status').textContent = statusWord(j.status);
    if (j.status === 'running' || j.status === 'queued') { setTimeout(poll, 250); return; }
    $('cancel').disabled = true; $('mc').disabled = false;
    if (j.status === 'done') drawBands(j.result);
    if (j.status === 'failed') failed(['mc-chart'], j.error);
  }).catch(err => failed(['mc-chart'], String(err)));
}
function montecarlo() {
  const body = Object.assign(chosen(), current().distributions.length ?
    {declared: $('declared').checked} : {}, {draws: Number($('draws').value),
    spread: Number($('spread').value), seed: Number($('seed').value || 0),
    vary: [...document.querySelectorAll('#params tbody tr')].filter(r =>
      r.querySelector('.vary').checked).map(r => r.dataset.name)});
  $('mc').disabled = true; $('progress').value = 0; $('job-status').classList.remove('error');
  fetch(`/api/scenarios/${$('model').value}/montecarlo`, {method: 'POST',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
    .then(r => r.json().then(j => [r.status, j])).then(([st, j]) => {
      if (st !== 202) { $('mc').disabled = false; failed(['mc-chart'], explain(j.detail)); return; }
      job = j.id; $('cancel').disabled = false; poll();
    });
}
fetch('/api/scenarios/models').then(r => r.json()).then(res => {
  if (!res.models.length) {
    $('no-engine').hidden = false; $('controls').hidden = true;
    $('engine-problems').textContent = res.problems.join('\n'); return;
  }
  for (const m of res.models) { models[m.name] = m; $('model').add(new Option(m.title, m.name)); }
  if (res.problems.length) {  // files that failed to load are named, never hidden
    const p = document.createElement('pre'); p.id = 'load-problems'; p.className = 'muted';
    p.textContent = res.problems.join('\n'); $('controls').prepend(p);
  }
  const wanted = new URLSearchParams(location.search).get('model');
  if (wanted && models[wanted]) $('model').value = wanted;
  fill();
});
$('model').addEventListener('change', fill);
$('run').addEventListener('click', run);
$('reset').addEventListener('click', fill);
$('mc').addEventListener('click', montecarlo);
$('cancel').addEventListener('click', () => fetch('/api/jobs/' + job, {method: 'DELETE'}));
