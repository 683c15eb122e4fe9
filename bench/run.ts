/**
 * Runs one benchmark: `npm run bench -- NAME [args…]` loads `bench/NAME.ts` and calls its default
 * export with the remaining arguments. Benchmarks use fixed seeds and print their figures.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.startsWith('_'))
  .map((file) => file.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME [args]\navailable: ${available.join(', ')}\n`);
  process.exit(name ? 1 : 0);
}
const module = (await import(pathToFileURL(`${benchDir}/${name}.ts`).href)) as {
  default: (args: string[]) => Promise<void>;
};
await module.default(args);
