import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import { rocAuc } from '../../../models/anomaly/index.js';
import {
  loadRiskModel,
  riskProbability,
  runRiskScoreCommand,
  runRiskTrainCommand,
  scoreRiskModel,
  trainRiskModel,
} from '../../../models/risk/index.js';

let directory: string;
let trainFile: string;
let testFile: string;
let testLabels: number[];

/** Labelled rows: the label follows 2·x1 − 1.5·x2 + noise; x3 is noise; `country` is text. */
function rows(count: number, seed: number): { text: string[]; labels: number[] } {
  const random = createRandom(seed);
  const text: string[] = [];
  const labels: number[] = [];
  for (let index = 0; index < count; index++) {
    const x1 = random.normal();
    const x2 = random.normal();
    const x3 = random.normal();
    const label = 2 * x1 - 1.5 * x2 + 0.5 * random.normal() > 0 ? 1 : 0;
    labels.push(label);
    text.push(`u${seed}-${index},${x1.toFixed(4)},${x2.toFixed(4)},${x3.toFixed(4)},DE,${label}`);
  }
  return { text, labels };
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'risk-model-'));
  trainFile = join(directory, 'train.csv');
  testFile = join(directory, 'test.csv');
  const train = rows(400, 1).text;
  // Bad rows, by line: a missing id (line 3), a missing label (line 5), a short row (line 7), and a
  // missing value that is imputed (line 9).
  train[1] = `,0.1,0.2,0.3,DE,1`;
  train[3] = `u-missing-label,0.1,0.2,0.3,DE,`;
  train[5] = `u-short,0.1,0.2`;
  train[7] = `u-na,NA,0.2,0.3,DE,0`;
  writeFileSync(trainFile, `id,x1,x2,x3,country,label\n${train.join('\n')}\n`);
  const test = rows(300, 2);
  testLabels = test.labels;
  writeFileSync(testFile, `id,x1,x2,x3,country,label\n${test.text.join('\n')}\n`);
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('supervised risk model', () => {
  it('learns the signal, reports bad rows by line and drops text columns', async () => {
    const { model, report } = await trainRiskModel(trainFile, { idColumn: 'id', labelColumn: 'label' });
    expect(report.skippedRows).toEqual([
      { line: 3, reason: 'missing id' },
      { line: 5, reason: 'missing label' },
      { line: 7, reason: 'expected 6 fields, found 3' },
    ]);
    expect(report.droppedColumns).toEqual([
      { column: 'country', reason: "non-numeric value 'DE' on line 2" },
    ]);
    expect(report.imputed).toEqual({ x1: 1 });
    expect(report.rows).toBe(397);
    expect(model.positiveLabel).toBe('1');
    expect(model.features.map((feature) => feature.name)).toEqual(['x1', 'x2', 'x3']);
    const [x1, x2, x3] = model.features;
    expect(x1!.weight).toBeGreaterThan(1);
    expect(x2!.weight).toBeLessThan(-1);
    expect(Math.abs(x3!.weight)).toBeLessThan(Math.abs(x2!.weight) / 3);
    expect(model.trainAuc).toBeGreaterThan(0.95);
  });

  it('scores held-out rows with probabilities that rank them well', async () => {
    const { model } = await trainRiskModel(trainFile, { idColumn: 'id', labelColumn: 'label' });
    const { scores, report } = await scoreRiskModel(model, testFile, { idColumn: 'id' });
    expect(report.rows).toBe(300);
    expect(scores[0]!.id).toBe('u2-0');
    for (const scored of scores) {
      expect(scored.score).toBeGreaterThan(0);
      expect(scored.score).toBeLessThan(1);
    }
    expect(
      rocAuc(
        scores.map((scored) => scored.score),
        testLabels,
      ),
    ).toBeGreaterThan(0.95);
    // A missing value takes the training median.
    expect(riskProbability(model, [Number.NaN, 0, 0])).toBeCloseTo(
      riskProbability(model, [model.features[0]!.median, 0, 0]),
      12,
    );
  });

  it('trains the same model twice from the same file', async () => {
    const first = await trainRiskModel(trainFile, { idColumn: 'id', labelColumn: 'label' });
    const second = await trainRiskModel(trainFile, { idColumn: 'id', labelColumn: 'label' });
    expect(JSON.stringify(second.model)).toBe(JSON.stringify(first.model));
  });

  it('saves, loads and scores through the command functions', async () => {
    const modelPath = join(directory, 'model.json');
    const errors = new Collect();
    await runRiskTrainCommand({
      file: trainFile,
      idColumn: 'id',
      labelColumn: 'label',
      modelPath,
      errorOutput: errors,
    });
    expect(errors.text).toContain('skipped line 3: missing id');
    expect(errors.text).toMatch(
      /trained a logistic regression on 397 rows \(\d+ labelled 1\) and 3 features/,
    );
    expect(loadRiskModel(modelPath).features).toHaveLength(3);
    const output = new Collect();
    await runRiskScoreCommand({
      file: testFile,
      idColumn: 'id',
      modelPath,
      output,
      errorOutput: new Collect(),
    });
    const lines = output.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; score: number });
    expect(lines).toHaveLength(300);
    expect(Object.keys(lines[0]!)).toEqual(['id', 'score']);
  });

  it('explains what is wrong with the input', async () => {
    const threeLabels = join(directory, 'three.csv');
    writeFileSync(threeLabels, 'id,x,label\na,1,low\nb,2,mid\nc,3,high\n');
    await expect(trainRiskModel(threeLabels, { idColumn: 'id', labelColumn: 'label' })).rejects.toThrow(
      'The label column label must hold exactly two values, found 3 (high, low, mid).',
    );
    const words = join(directory, 'words.csv');
    writeFileSync(words, 'id,x,label\na,1,cat\nb,2,dog\n');
    await expect(trainRiskModel(words, { idColumn: 'id', labelColumn: 'label' })).rejects.toThrow(
      'Cannot tell which label is positive among cat, dog; pass --positive-label.',
    );
    await expect(trainRiskModel(words, { idColumn: 'id', labelColumn: 'outcome' })).rejects.toThrow(
      "Unknown column 'outcome'.",
    );
    const { model } = await trainRiskModel(trainFile, { idColumn: 'id', labelColumn: 'label' });
    const partial = join(directory, 'partial.csv');
    writeFileSync(partial, 'id,x1\na,1\n');
    await expect(scoreRiskModel(model, partial, { idColumn: 'id' })).rejects.toThrow(
      "The file lacks the model's feature columns x2, x3.",
    );
    writeFileSync(join(directory, 'not-a-model.json'), '{"hello":1}');
    expect(() => loadRiskModel(join(directory, 'not-a-model.json'))).toThrow(
      'is not a risk model written by',
    );
    expect(readFileSync(trainFile, 'utf8')).toContain('id,x1,x2,x3,country,label');
  });
});
