import {
  ingestWarehouseFeedback,
  resolveFeedbackEmbedder,
  summarizeFeedback,
} from '../models/feedback/index.js';
import { pgliteDemo, TEST_NOW } from '../tests/helpers/demo-fixture.js';

const c = await pgliteDemo({ scale: 0.05 });
const r = await ingestWarehouseFeedback({ warehouse: c, app: c }, { silent: true, prefer: 'lsa' });
console.log(r.topics, r.sentiment);
console.log(
  (await c.query('select * from ground_truth.feedback_spike')).rows,
  (await c.query('select min(created_at), max(created_at), count(*) from feedback')).rows,
);
const e = await resolveFeedbackEmbedder(c);
const s = await summarizeFeedback(c, e.id, {
  start: new Date('2026-11-18T00:00:00Z'),
  end: new Date('2026-11-25T00:00:00Z'),
  maxTopics: 200,
});
for (const t of s.topics.slice(0, 50))
  console.log(
    t.size,
    t.name,
    t.spike.current,
    t.spike.previous,
    t.spike.ratio.toFixed(1),
    t.spike.pValueIncrease.toExponential(1),
  );
const { rows } = await c.query(
  `select l.intent, count(*) from feedback f join ground_truth.feedback_labels l using (feedback_id) where f.created_at >= '2026-11-20T12:00:00Z' group by 1 order by 2 desc limit 5`,
);
console.log(rows);
