// The overview's burn-down chart: reads the points the server rendered into
// <script type="application/json" id="burndown-data"> (data, never executed) and draws them with
// uPlot. A separate file, because the Content-Security-Policy allows no inline script.
(() => {
  const target = document.getElementById('burndown');
  const source = document.getElementById('burndown-data');
  if (!target || !source || typeof uPlot === 'undefined') return;
  const points = JSON.parse(source.textContent || '[]');
  if (points.length < 2) {
    target.textContent = 'Not enough runs on record for a line yet.';
    return;
  }
  const data = [points.map((point) => point.at), points.map((point) => point.backlog)];
  const width = Math.max(320, Math.min(960, target.clientWidth || 960));
  new uPlot(
    {
      width,
      height: 260,
      scales: { x: { time: true } },
      series: [{}, { label: 'backlog (rows)', stroke: '#2563eb', width: 2, fill: 'rgba(37,99,235,0.08)' }],
      axes: [{}, { size: 80 }],
    },
    data,
    target,
  );
  target.dataset.drawn = 'true';
})();
