import { loadBanking77 } from '../bench/_banking77.js';
import { createTransformerEmbedder, DEFAULT_EMBEDDING_MODEL_DIR } from '../embeddings/index.js';

const rows = loadBanking77()
  .slice(0, 1024)
  .map((r) => r.text);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const threads of [undefined, 1]) {
  const e = await createTransformerEmbedder({
    modelDir: DEFAULT_EMBEDDING_MODEL_DIR,
    cacheSize: 0,
    ...(threads ? { threads } : {}),
  });
  let c0 = cpu(),
    t0 = performance.now();
  await e.embed(rows);
  console.log(
    'threads',
    threads,
    'wall/row',
    ((performance.now() - t0) / rows.length).toFixed(2),
    'cpu/row',
    ((cpu() - c0) / rows.length).toFixed(2),
  );
  // concurrency probe: does the event loop run during embed?
  let ticks = 0;
  const iv = setInterval(() => ticks++, 5);
  c0 = cpu();
  t0 = performance.now();
  await e.embed(rows.map((r) => r + ' x'));
  clearInterval(iv);
  console.log('  ticks during embed', ticks, 'wall ms', (performance.now() - t0).toFixed(0));
  await e.dispose();
}
