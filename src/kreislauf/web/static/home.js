// kreislauf dashboard: home page
'use strict';
fetch('/api/atlas/summary').then(r => r.json()).then(s => {
  document.getElementById('n-entities').textContent = s.entities;
  document.getElementById('n-relations').textContent = s.relations;
  document.getElementById('n-undisclosed').textContent = s.undisclosed;
  Plotly.newPlot('by-type', [{type: 'bar', x: s.by_type.map(r => r.type),
    y: s.by_type.map(r => r.amount_usd_bn)}],
    {title: {text: 'USD bn by relation type (disclosed amounts)'}, margin: {b: 140}});
});
