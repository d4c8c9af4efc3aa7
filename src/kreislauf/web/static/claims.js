// kreislauf dashboard: claims page
'use strict';
const esc = s => String(s ?? '—').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;',
  '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
const COLOURS = {'supported': '#2ca02c', 'contradicted': '#d62728', 'not checkable': '#777'};
const VERDICT_DE = {'supported': 'gestützt', 'contradicted': 'widerlegt',
  'not checkable': 'nicht prüfbar'};
const verdict = v => LANG === 'de' ? (VERDICT_DE[v] || v) : v;
function load() {
  const v = document.getElementById('verdict').value;
  fetch('/api/claims' + (v ? '?verdict=' + encodeURIComponent(v) : '')).then(r => r.json())
    .then(res => {
      document.getElementById('count').textContent = res.claims.length;
      document.querySelector('#claims tbody').innerHTML = res.claims.map(c =>
        `<tr data-verdict="${esc(c.verdict)}"><td>${esc(c.id)} (${esc(c.article)})</td>
         <td>${esc(LANG === 'de' ? c.quote_de : c.text_en)}</td>
         <td style="color:${COLOURS[c.verdict]}"><b>${esc(verdict(c.verdict))}</b></td>
         <td>${esc(c.evidence)}</td></tr>`).join('');
    });
}
document.getElementById('verdict').addEventListener('change', load);
load();
