import { createPgliteConnection } from '../warehouse/pglite-connection.js';
const c = await createPgliteConnection({ dataDir: process.argv[2] ?? '/tmp/demo-s1' });
const w = `(select value::timestamptz from demo_metadata where key='aml_window_start')`;
const { rows } = await c.query<any>(`
with t as (select user_id, count(*) n, sum(notional_usd) vol, count(distinct asset) assets,
  avg(case when extract(hour from executed_at) between 0 and 5 then 1 else 0 end) night_utc from trades where executed_at >= ${w} group by 1),
wd as (select user_id, count(*) wn, count(distinct to_address) waddr, count(distinct chain) wchains from withdrawals where created_at >= ${w} group by 1),
lg as (select user_id, count(*) ln from logins where created_at >= ${w} group by 1),
f as (select coalesce(t.user_id, wd.user_id) user_id, coalesce(n,0) n, coalesce(vol,0) vol, coalesce(assets,0) assets, coalesce(night_utc,0) night, coalesce(wn,0) wn, coalesce(waddr,0) waddr from t full join wd using (user_id))
select f.*, o.kind, g.scenario from f left join ground_truth.outliers o using (user_id) left join ground_truth.aml_cases g on g.user_id = f.user_id and g.scenario <> 'outlier'`);
console.log('users with window activity', rows.length);
const keys = ['n', 'vol', 'assets', 'night', 'wn', 'waddr'];
for (const k of keys) {
  const bg = rows.filter((r) => !r.kind).map((r) => Number(r[k])).sort((a, b) => a - b);
  const ol = rows.filter((r) => r.kind).map((r) => Number(r[k]));
  const q = (p: number) => bg[Math.floor(p * (bg.length - 1))];
  console.log(k, 'bg p50', q(0.5), 'p99', q(0.99), 'p99.9', q(0.999), 'max', bg.at(-1), '| outliers min/median', Math.min(...ol), ol.sort((a,b)=>a-b)[Math.floor(ol.length/2)]);
}
// simple score: sum over features of log1p(value)/log1p(p99.9)
const p999: Record<string, number> = {};
for (const k of keys) { const bg = rows.map((r) => Number(r[k])).sort((a, b) => a - b); p999[k] = bg[Math.floor(0.999 * (bg.length - 1))]!; }
const scored = rows.map((r) => ({ ...r, score: keys.reduce((s, k) => s + Math.max(0, Math.log1p(Number(r[k]) * (k==='night'?100:1)) - Math.log1p(p999[k]! * (k==='night'?100:1))), 0) })).sort((a, b) => b.score - a.score);
console.log('outliers in top 50 by crude score:', scored.slice(0, 50).filter((r) => r.kind).length, 'scenario users in top 50:', scored.slice(0,50).filter(r=>r.scenario).length);
console.log(scored.slice(0, 60).map((r) => `${r.kind ?? r.scenario ?? '-'}`).join(' '));
await c.close();
