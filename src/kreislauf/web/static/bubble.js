// kreislauf dashboard: bubble page (PSY date-stamping and LPPLS confidence on any loaded series)
'use strict';
const $ = id => document.getElementById(id);
const esc = s => String(s ?? '—').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;',
  '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
const num = id => { const v = $(id).value; return v === '' ? null : Number(v); };
let catalogue = null, job = null;
// German labels for the result's table and charts (the API speaks English identifiers)
const DE = [...[90, 95, 99].map(p => [`BSADF and the ${p}% critical value`,
  `BSADF und kritischer Wert (${p} %)`]), ['GSADF rejects a unit root', 'GSADF verwirft die Einheitswurzel'],
  ['shortest episode kept (observations)', 'kürzeste gezählte Episode (Beobachtungen)'],
  ['smallest window (observations)', 'kleinstes Fenster (Beobachtungen)'],
  ['critical values', 'kritische Werte'], ['critical value', 'kritischer Wert'],
  ['observations', 'Beobachtungen'], ['first / last', 'erste / letzte'],
  ['episodes', 'Episoden'], ['replications', 'Wiederholungen'], ['rule', 'Regel'],
  ['windows per end date', 'Fenster je Enddatum'], ['end dates every', 'Enddaten alle'],
  ['end dates', 'Enddaten'], ['latest date', 'letztes Datum'],
  ['date of the highest positive', 'Datum der höchsten positiven'],
  ['date of the highest negative', 'Datum der höchsten negativen'],
  ['latest positive confidence', 'letzte positive Konfidenz'],
  ['latest negative confidence', 'letzte negative Konfidenz'],
  ['highest positive confidence', 'höchste positive Konfidenz'],
  ['highest negative confidence', 'höchste negative Konfidenz'],
  ['positive bubble confidence', 'positive Blasenkonfidenz'],
  ['negative bubble confidence', 'negative Blasenkonfidenz'],
  ['searches per window, seed', 'Suchläufe je Fenster, Startwert'], ['windows', 'Fenster'],
  ['(log series)', '(logarithmiert)'], [' to ', ' bis '],
  ['share of qualified fits among the nested windows', 'Anteil qualifizierter Fits der Fenster'],
  ['step', 'Schritt'], ['seed', 'Startwert'], ['true', 'ja'], ['false', 'nein']];
const tr = text => LANG !== 'de' ? String(text) :
  DE.reduce((t, [en, de]) => t.split(en).join(de), String(text));

function showTest(ev) {
  const t = $('test').value;
  if (ev) $('frequency').value = t === 'lppls' ? 'native' : 'monthly';  // LPPLS fits daily data
  $('psy-opts').hidden = t !== 'psy';
  $('lppls-opts').hidden = t !== 'lppls';
}
function body() {
  const b = {series: $('series').value, frequency: $('frequency').value};
  if ($('start').value) b.start = $('start').value;
  if ($('end').value) b.end = $('end').value;
  if ($('test').value === 'psy') {
    b.log = $('log').checked;
    Object.assign(b, {reps: num('reps'), lags: num('lags'), rule: $('rule').value,
      lag_selection: $('lag_selection').value, critical: $('critical').value,
      significance: Number($('significance').value), seed: num('seed') ?? 0});
    if (num('min_window') !== null) b.min_window = num('min_window');
  } else {
    Object.assign(b, {window_size: num('window_size'),
      smallest_window_size: num('smallest_window_size'), outer_increment: num('outer_increment'),
      inner_increment: num('inner_increment'), max_searches: num('max_searches'),
      seed: num('seed') ?? 0});
  }
  return b;
}
function explain(detail) {
  if (Array.isArray(detail)) return detail.map(d => `${d.loc.slice(1).join('.')}: ${d.msg}`).join('; ');
  return String(detail);
}
function draw(res) {
  const shapes = res.episodes.map(e => ({type: 'rect', xref: 'x', yref: 'paper', x0: e.start,
    x1: e.end, y0: 0, y1: 1, fillcolor: 'rgba(214,39,40,0.18)', line: {width: 0}}));
  Plotly.react('series-chart', [{x: res.dates, y: res.values, name: res.series.name,
    mode: 'lines', line: {color: '#1f77b4'}}], {title: {text: res.series.name},
    yaxis: {type: res.log_axis ? 'log' : 'linear'}, shapes, margin: {t: 40, r: 20},
    hovermode: 'x unified', showlegend: false});
  Plotly.react('stat-chart', res.lines.map(l => ({x: res.stat_dates, y: l.y, name: tr(l.name),
    mode: 'lines', line: {dash: l.dash || 'solid'}})), {title: {text: tr(res.stat_title)},
    shapes, margin: {t: 40, r: 20}, hovermode: 'x unified',
    legend: {orientation: 'h', x: 0, y: -0.15}});
  $('summary').querySelector('tbody').innerHTML = Object.entries(res.table).map(([k, v]) =>
    `<tr><th>${esc(tr(k))}</th><td>${esc(tr(v))}</td></tr>`).join('');
  $('episodes').querySelector('tbody').innerHTML = res.episodes.map(e =>
    `<tr><td>${esc(e.start)}</td><td>${esc(e.peak)}</td><td>${esc(e.end)}</td>` +
    `<td>${esc(e.duration)}</td><td>${esc(tr(e.ongoing))}</td></tr>`).join('');
  $('episodes-none').hidden = res.episodes.length > 0 || res.test !== 'psy';
  $('episodes').hidden = res.episodes.length === 0;
  $('resampling').textContent = res.resampling ? res.resampling[LANG === 'de' ? 'de' : 'en'] : '';
  $('source').textContent = res.series.source;
}
// Remove every trace of the previous result, so an error never leaves old charts as if current
function clearResult() {
  for (const id of ['series-chart', 'stat-chart']) Plotly.purge(id);
  $('summary').querySelector('tbody').innerHTML = '';
  $('episodes').querySelector('tbody').innerHTML = '';
  $('episodes').hidden = true; $('episodes-none').hidden = true;
  for (const id of ['resampling', 'source']) $(id).textContent = '';
}
function poll() {
  fetch('/api/jobs/' + job).then(r => r.json()).then(j => {
    $('progress').value = j.progress;
    $('job-status').textContent = statusWord(j.status);
    if (j.status === 'running' || j.status === 'queued') { setTimeout(poll, 250); return; }
    $('cancel').disabled = true; $('run').disabled = false;
    if (j.status === 'done') draw(j.result);
    if (j.status === 'failed') {
      clearResult(); $('job-status').textContent = statusWord('failed') + ': ' + j.error;
    }
    if (j.status === 'cancelled') clearResult();
  });
}
function run() {
  const test = $('test').value;
  $('run').disabled = true; $('progress').value = 0; $('job-status').textContent = '';
  clearResult();
  fetch('/api/bubble/' + test, {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body())}).then(r => r.json().then(j => [r.status, j])).then(([st, j]) => {
    if (st !== 202) { $('run').disabled = false; $('job-status').textContent = explain(j.detail); return; }
    job = j.id; $('cancel').disabled = false; poll();
  });
}
fetch('/api/bubble/series').then(r => r.json()).then(c => {
  catalogue = c;
  if (!c.available) { $('no-data').hidden = false; $('controls').hidden = true; return; }
  const groups = {};
  for (const s of c.series) {
    if (!groups[s.group]) { groups[s.group] = document.createElement('optgroup');
      groups[s.group].label = s.group; $('series').appendChild(groups[s.group]); }
    groups[s.group].appendChild(new Option(`${s.name} (${s.first.slice(0, 4)}–${s.last.slice(0, 4)})`, s.id));
  }
  const wanted = new URLSearchParams(location.search).get('series');
  if (wanted && c.series.some(s => s.id === wanted)) $('series').value = wanted;
  $('run').disabled = false;
});
$('test').addEventListener('change', showTest);
$('run').addEventListener('click', run);
$('cancel').addEventListener('click', () => fetch('/api/jobs/' + job, {method: 'DELETE'}));
showTest();
