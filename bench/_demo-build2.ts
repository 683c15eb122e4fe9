import { buildDemoData } from '../warehouse/demo/build.js';
import { readBanking77 } from '../warehouse/demo/feedback.js';

const scale = Number(process.argv[2] ?? '0.02');
const rows = readBanking77('/work/shared/data/banking77/train.csv');
const t = performance.now();
const c0 = process.cpuUsage();
const data = buildDemoData({
  scale,
  seed: Number(process.argv[3] ?? 7),
  now: new Date('2026-11-24T12:00:00Z'),
  feedbackRows: rows,
  onPhase: (p) =>
    console.log(
      'phase',
      p,
      ((performance.now() - t) / 1000).toFixed(1),
      'cpu',
      (process.cpuUsage(c0).user / 1e6).toFixed(1),
    ),
});
const c = data.context;
console.log({
  users: data.population.count,
  kyc: data.kyc.length,
  trades: c.trades.length,
  deposits: c.deposits.length,
  withdrawals: c.withdrawals.length,
  logins: c.logins.length,
  events: c.events.length,
  transfers: data.chainTransfers.length,
  feedback: data.feedback.length,
  alerts: data.alerts.length,
  cases: data.cases.length,
});
console.log(
  'seconds',
  ((performance.now() - t) / 1000).toFixed(2),
  'cpu',
  (process.cpuUsage(c0).user / 1e6).toFixed(1),
  'heapMB',
  (process.memoryUsage().heapUsed / 1e6).toFixed(0),
);
