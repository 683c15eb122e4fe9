import { checkSql, createGuardPolicy } from './warehouse/guard/index.js';
const policy = createGuardPolicy();
for (const sql of process.argv.slice(2)) console.log(JSON.stringify(sql), '→', JSON.stringify(checkSql(sql, policy)));
