import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One statement of a corpus in `tests/fixtures/sql/`. */
export interface CorpusLine {
  readonly id: string;
  readonly category: string;
  readonly sql: string;
}

/** Directory of the SQL corpora. */
export const SQL_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sql');

/** Reads `hostile.jsonl` or `legit.jsonl`. */
export function readCorpus(name: 'hostile' | 'legit'): CorpusLine[] {
  return readFileSync(resolve(SQL_FIXTURES, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CorpusLine);
}
