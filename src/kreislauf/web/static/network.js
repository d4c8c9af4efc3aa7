// kreislauf dashboard: network page
'use strict';
const esc = s => String(s ?? '—').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;',
  '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
function load() {
  const p = new URLSearchParams({verified_only: document.getElementById('verified').checked,
    haircut: document.getElementById('haircut').value || '0'});
  fetch('/api/circuit?' + p).then(r => r.json()).then(res => {
    document.getElementById('n-cycles').textContent = res.summary.cycles;
    Plotly.react('network', res.figure.data, res.figure.layout);
    const gd = document.getElementById('network');
    gd.removeAllListeners && gd.removeAllListeners('plotly_click');
    gd.on('plotly_click', ev => {
      const pt = ev.points[0];
      if (pt && pt.customdata && String(pt.customdata[0]).startsWith('http')) {
        window.open(pt.customdata[0], '_blank', 'noopener');
      }
    });
    document.querySelector('#cycles tbody').innerHTML = res.cycles.map(c =>
      `<tr><td>${esc(c.cycle)}</td><td>${esc(c.weakest_tier)}</td>
       <td>${c.circular_usd_bn == null ? 'unknown' : esc(c.circular_usd_bn)}</td>
       <td>${esc(c.relation_ids)}</td></tr>`).join('');
  });
}
document.getElementById('verified').addEventListener('change', load);
document.getElementById('haircut').addEventListener('change', load);
load();
