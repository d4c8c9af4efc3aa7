// kreislauf dashboard: scarcity page
'use strict';
let base = null;
function draw(custom) {
  const traces = Object.entries(base.prices).map(([n, y]) => ({x: base.months, y, name: n,
    mode: 'lines', line: {width: 1}, opacity: 0.45}));
  if (custom) traces.push({x: custom.months, y: custom.price, name: 'your run', mode: 'lines',
    line: {width: 4, color: 'black'}});
  Plotly.react('chart', traces, {title: {text: 'EUR per 32 GB DDR5 kit'}, hovermode: 'x unified'});
}
function run() {
  const crash = document.getElementById('crash').value;
  const body = {hoard_share: parseFloat(document.getElementById('hoard').value),
    crash_month: crash === '' ? null : parseInt(crash),
    release_months: parseInt(document.getElementById('release').value || '0')};
  fetch('/api/memory/run', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body)}).then(r => r.json()).then(res => {
      document.getElementById('peak').textContent = res.summary.peak_multiple.toFixed(2) + 'x';
      draw(res);
    });
}
let job = null;
function poll() {
  fetch('/api/jobs/' + job).then(r => r.json()).then(j => {
    document.getElementById('progress').value = j.progress;
    document.getElementById('job-status').textContent = statusWord(j.status);
    if (j.status === 'running' || j.status === 'queued') { setTimeout(poll, 300); return; }
    document.getElementById('cancel').disabled = true;
    if (j.status === 'done') Plotly.react('sweep-chart', [{x: j.result.rows.map(r => r.hoard_share),
      y: j.result.rows.map(r => r.peak_multiple), mode: 'lines+markers'}],
      {title: {text: 'peak price multiple by hoard share'}, xaxis: {title: {text: 'hoard share'}}});
  });
}
document.getElementById('sweep').addEventListener('click', () => {
  fetch('/api/sweeps/memory', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({steps: 11, step_delay: 0.2})}).then(r => r.json()).then(j => {
      job = j.id; document.getElementById('cancel').disabled = false; poll(); });
});
document.getElementById('cancel').addEventListener('click', () =>
  fetch('/api/jobs/' + job, {method: 'DELETE'}));
document.getElementById('run').addEventListener('click', run);
fetch('/api/memory/scenarios').then(r => r.json()).then(s => { base = s; run(); });
