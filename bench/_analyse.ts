import { createPgliteConnection } from '../warehouse/pglite-connection.js';
const c = await createPgliteConnection({ dataDir: process.argv[2] ?? '/tmp/demo-s1' });
const q = async (label: string, sql: string) => { const t = performance.now(); const { rows } = await c.query(sql); console.log(`-- ${label} (${((performance.now()-t)/1000).toFixed(1)}s)`); console.table(rows); };
await q('countries', `select count(distinct country) n, (select string_agg(country||':'||n, ' ' order by n desc) from (select country, count(*) n from users group by 1 order by 2 desc limit 12) x) top from users`);
await q('vip', `select vip_tier, count(*) from users group by 1 order by 1`);
await q('kyc', `select kyc_level, count(*) from users group by 1 order by 1`);
await q('platform', `select platform, count(*) from users group by 1 order by 1`);
await q('kyc status', `select status, count(*) from kyc_reviews group by 1`);
await q('notional pct', `select percentile_cont(array[0.1,0.5,0.9,0.99,0.999]) within group (order by notional_usd) p, max(notional_usd) mx, sum(notional_usd)/1e9 total_bn from trades`);
await q('dow', `select extract(isodow from executed_at) d, count(*) from trades group by 1 order by 1`);
await q('hour utc', `select extract(hour from executed_at) h, count(*) from trades group by 1 order by 1`);
await q('quarterly', `select date_trunc('quarter', executed_at)::date q, count(*), round(sum(notional_usd)/1e6) vol_m, count(distinct user_id) traders from trades group by 1 order by 1`);
await q('product', `select product, count(*), round(sum(fee_usd)) fees from trades group by 1`);
await q('markets', `select market, count(*) from trades group by 1 order by 2 desc limit 12`);
await q('deposit chains', `select chain, asset, count(*) from deposits group by 1,2 order by 3 desc limit 10`);
await q('events', `select item_type, event_type, count(*) from user_events group by 1,2`);
await q('co-interest jaccard', `
  with s as (select distinct user_id, item_id from user_events where item_type='asset'),
  pairs(a,b) as (values ('ARB','OP'),('ARB','POL'),('DOGE','SHIB'),('DOGE','PEPE'),('SOL','SUI'),('UNI','AAVE'),('ARB','DOGE'),('PEPE','AAVE'),('SUI','SHIB'),('OP','XRP'))
  select a, b, (select count(*) from s x join s y using (user_id) where x.item_id=a and y.item_id=b)::float /
   (select count(distinct user_id) from s where item_id in (a,b)) jaccard from pairs`);
await q('country taste', `select u.country, round(100.0*count(*) filter (where item_id in ('DOGE','SHIB','PEPE','FLOKI','WIF','BONK'))/count(*),1) meme_pct, round(100.0*count(*) filter (where item_id='XRP')/count(*),1) xrp_pct from user_events e join users u using (user_id) where item_type='asset' and u.country in ('TR','KR','US','DE','JP','NG') group by 1`);
await q('feedback', `select channel, count(*), round(avg(rating),2) from feedback group by 1`);
await q('aml alerts', `select status, count(*) from aml_alerts group by 1`);
await q('labels', `select label, count(*) from address_labels group by 1`);
await c.close();
