import { checkSql, createGuardPolicy } from './warehouse/guard/index.js';
const policy = createGuardPolicy();
const cases: Record<string, string> = {
  plusChain: 'SELECT 1' + ' + 1'.repeat(4990),
  quotes: 'SELECT ' + Array.from({ length: 2400 }, () => "'a''b'").join(','),
  semis: "SELECT '" + 'a;'.repeat(9990) + "'",
  semisWords: "SELECT '" + 'x y;'.repeat(4990) + "'",
  comments: 'SELECT 1 ' + '/* drop it */ '.repeat(1400),
  lineComments: 'SELECT 1 ' + '-- select a b\n'.repeat(1400),
  manyCols: 'SELECT ' + Array.from({ length: 2000 }, (_, i) => `c${i}`).join(',') + ' FROM trades',
  manyJoins: 'SELECT 1 FROM trades t0' + Array.from({ length: 600 }, (_, i) => ` JOIN trades t${i + 1} USING (user_id)`).join(''),
  manyUnions: Array.from({ length: 700 }, () => 'SELECT asset FROM trades').join(' UNION '),
  inList: 'SELECT 1 FROM trades WHERE asset IN (' + Array.from({ length: 3000 }, (_, i) => `'a${i}'`).join(',') + ')',
  deepCase: 'SELECT ' + 'CASE WHEN true THEN '.repeat(300) + '1' + ' END'.repeat(300),
  orChain: 'SELECT 1 FROM trades WHERE ' + Array.from({ length: 1500 }, (_, i) => `asset = 'a${i}'`).join(' OR '),
};
for (const [name, sql] of Object.entries(cases)) {
  const t = performance.now(); const v = checkSql(sql, policy); const d = performance.now() - t;
  console.log(name.padEnd(12), sql.length, d.toFixed(1), 'ms', v.allowed ? 'allowed' : `${v.code}: ${v.reason.slice(0, 70)}`);
}
