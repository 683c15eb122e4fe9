import { loadFeedbackDocuments, periodStats } from '../models/feedback/index.js';
import { buildFeedbackWorld } from '../tests/models/feedback/feedback-world.js';
import { openStores } from '../warehouse/stores.js';

const stores = await openStores({ inMemory: true });
await buildFeedbackWorld(stores);
const f = { start: new Date('2026-11-17T00:00:00Z'), end: new Date('2026-11-25T00:00:00Z') };
const docs = await loadFeedbackDocuments(stores.app, f);
console.log(
  docs.length,
  (await periodStats(stores.app, f)).count,
  docs.filter((d) => d.createdAt!.getTime() >= f.start.getTime()).length,
);
console.log(docs.slice(0, 3).map((d) => [d.id, d.createdAt]));
const { rows } = await stores.app.query(
  "select count(*) from app.feedback_documents where created_at >= '2026-11-17T00:00:00.000Z'",
);
console.log(rows);
