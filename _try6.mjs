import { loadModule, parseSync } from 'libpg-query';
await loadModule();
const sql = "SELECT sentiment, count(*) FILTER (WHERE rating <= 2) AS low FROM feedback GROUP BY sentiment";
const slow = [];
for (let i = 0; i < 3000; i++) { const t = performance.now(); parseSync(sql); const d = performance.now() - t; if (d > 2) slow.push([i, d.toFixed(1)]); }
console.log(slow.length, JSON.stringify(slow.slice(0, 40)));
const t0 = process.cpuUsage(); const w0 = performance.now();
for (let i = 0; i < 3000; i++) parseSync(sql);
const c = process.cpuUsage(t0); console.log('wall', (performance.now() - w0).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0));
