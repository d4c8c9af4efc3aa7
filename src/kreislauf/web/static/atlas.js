// kreislauf dashboard: atlas page
'use strict';
const esc = s => String(s ?? '—').replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;',
  '>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
function load() {
  const p = new URLSearchParams();
  for (const k of ['q', 'entity', 'type', 'tier']) {
    const v = document.getElementById(k).value; if (v) p.set(k, v); }
  fetch('/api/atlas/relations?' + p).then(r => r.json()).then(rows => {
    document.getElementById('count').textContent = rows.length;
    document.querySelector('#relations tbody').innerHTML = rows.map(r => `<tr data-id="${esc(r.id)}">
      <td>${esc(r.id)}</td><td>${esc(r.type)}</td><td>${esc(r.from_id)} → ${esc(r.to_id)}</td>
      <td>${r.amount_usd_bn == null ? 'undisclosed' : esc(r.amount_usd_bn)}
      ${r.amount_qualifier === 'up_to' ? '(up to)' : ''}</td><td>${esc(r.announced)}</td>
      <td>${esc(r.status)}</td><td>${esc(r.tier)}</td>
      <td><a href="${esc(r.source_url)}" target="_blank" rel="noopener">link</a></td></tr>`).join('');
  });
}
fetch('/api/atlas/summary').then(r => r.json()).then(s => {
  for (const row of s.by_type) document.getElementById('type').add(new Option(row.type, row.type));
  for (const tier of Object.keys(s.tiers)) document.getElementById('tier').add(new Option(tier, tier));
});
for (const k of ['q', 'entity']) document.getElementById(k).addEventListener('input', load);
for (const k of ['type', 'tier']) document.getElementById(k).addEventListener('change', load);
load();
