import type { Command } from 'commander';
import { loadConfig } from '../../../core/config.js';
import { readJsonlRecords } from '../../../core/csv.js';
import { InvalidInputError } from '../../../core/errors.js';
import { createFeedbackSearcher, nothingIngestedError } from '../../../embeddings/index.js';
import {
  ingestFeedbackFromFile,
  resolveFeedbackEmbedder,
  summarizeFeedback,
  type TopicSummary,
} from '../../../models/feedback/index.js';
import { parseToolRange } from '../../../tools/feedback-search.js';
import { openStores, storeOptionsFromConfig } from '../../../warehouse/stores.js';
import { type GlobalFlags, parseNow } from '../runtime.js';

interface IngestFlags {
  idCol?: string;
  textCol?: string;
  timeCol?: string;
  channelCol?: string;
  ratingCol?: string;
  keepOriginal?: boolean;
}

/**
 * `analyst feedback ingest FILE`, `analyst feedback search "QUERY"` (or `--jsonl FILE`) and
 * `analyst feedback topics [--since D]` (DESIGN.md "Command line").
 */
export function registerFeedbackCommand(program: Command): void {
  const feedback = program.command('feedback').description('Customer feedback: ingest, search, topics');

  feedback
    .command('ingest')
    .description('Ingest a CSV (with a header) or JSONL file of feedback; idempotent and resumable')
    .argument('<file>', 'CSV or .jsonl file')
    .option('--id-col <column>', 'column with a stable id (default: id, else a content hash)')
    .option('--text-col <column>', 'column with the message (default: text)')
    .option('--time-col <column>', 'column with the time, ISO 8601 (default: created_at)')
    .option('--channel-col <column>', 'column with the channel (default: channel)')
    .option('--rating-col <column>', 'column with a 1–5 rating (default: rating)')
    .option('--keep-original', 'also store the text before PII masking')
    .action(async (file: string, options: IngestFlags, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const stores = await openStores(storeOptionsFromConfig(loadConfig(), flags.db));
      try {
        const report = await ingestFeedbackFromFile(stores.app, file, {
          mapping: {
            ...(options.idCol ? { id: options.idCol } : {}),
            ...(options.textCol ? { text: options.textCol } : {}),
            ...(options.timeCol ? { time: options.timeCol } : {}),
            ...(options.channelCol ? { channel: options.channelCol } : {}),
            ...(options.ratingCol ? { rating: options.ratingCol } : {}),
          },
          silent: flags.json ?? false,
          keepOriginalText: options.keepOriginal ?? false,
        });
        for (const row of report.rejected) process.stderr.write(`line ${row.line}: ${row.error}\n`);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
          return;
        }
        const seconds = report.durationMs / 1000;
        process.stdout.write(
          `${report.source}: ${report.rows} rows read, ${report.added} added, ${report.updated} updated, ` +
            `${report.unchanged} unchanged, ${report.rejected.length} rejected in ${seconds.toFixed(1)} s` +
            `${report.resumedAfterLine !== null ? ` (resumed after line ${report.resumedAfterLine})` : ''}.\n` +
            `Embedder ${report.embedder}; sentiment ${report.sentiment.method}` +
            `${report.index.built ? `; HNSW index built in ${(report.index.durationMs / 1000).toFixed(1)} s` : ''}.\n`,
        );
      } finally {
        await stores.close();
      }
    });

  feedback
    .command('search')
    .description('Hybrid search (vector + full text); --jsonl for a batch of {id, query} lines')
    .argument('[query]', 'what to look for')
    .option('--k <n>', 'results per query', '10')
    .option('--jsonl <file>', 'lines {"id", "query"}; prints one line {id, hits} per query')
    .option('--channel <channel>', 'only this channel')
    .action(
      async (
        query: string | undefined,
        options: { k: string; jsonl?: string; channel?: string },
        command: Command,
      ) => {
        const flags = command.optsWithGlobals<GlobalFlags>();
        const k = Number(options.k);
        if (!Number.isInteger(k) || k < 1 || k > 1000) {
          throw new InvalidInputError(
            'k_invalid',
            `--k must be an integer from 1 to 1000, got '${options.k}'.`,
          );
        }
        if (!query && !options.jsonl)
          throw new InvalidInputError('query_missing', 'Give a query, or --jsonl FILE.');
        const stores = await openStores(storeOptionsFromConfig(loadConfig(), flags.db));
        try {
          const { rows } = await stores.app.query<{ count: number }>(
            'SELECT count(*) AS count FROM app.feedback_documents',
          );
          if (Number(rows[0]?.count ?? 0) === 0) throw nothingIngestedError();
          const embedder = await resolveFeedbackEmbedder(stores.app);
          const searcher = await createFeedbackSearcher(stores.app, { embedder });
          const filters = options.channel ? { channel: options.channel } : {};
          const print = (id: unknown, hits: readonly { id: string; text: string; score: number }[]): void => {
            if (flags.json || options.jsonl) {
              const line = {
                id,
                hits: hits.map((hit) => ({ id: hit.id, text: hit.text, score: round(hit.score) })),
              };
              process.stdout.write(`${JSON.stringify(line)}\n`);
            } else {
              hits.forEach((hit, rank) => {
                process.stdout.write(
                  `${String(rank + 1).padStart(2)}. ${hit.score.toFixed(3)}  [${hit.id}] ${hit.text}\n`,
                );
              });
            }
          };
          if (options.jsonl) {
            for await (const record of readJsonlRecords(options.jsonl)) {
              if (record.error !== undefined) {
                process.stderr.write(`line ${record.line}: ${record.error}\n`);
                continue;
              }
              const text = record.value['query'];
              if (typeof text !== 'string' || text.trim() === '') {
                process.stderr.write(`line ${record.line}: no "query" string\n`);
                continue;
              }
              const { hits } = await searcher.search(text, { k, filters });
              print(record.value['id'] ?? record.line, hits);
            }
          } else {
            const { hits } = await searcher.search(query!, { k, filters });
            print(null, hits);
          }
        } finally {
          await stores.close();
        }
      },
    );

  feedback
    .command('topics')
    .description('Topics with sizes, keywords, sentiment, trend and quotes')
    .option('--since <date>', 'start date YYYY-MM-DD (default: 30 days before today)')
    .option('--channel <channel>', 'only this channel')
    .action(async (options: { since?: string; channel?: string }, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const now = parseNow(flags.now);
      const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
      const since =
        options.since ?? new Date(tomorrow.getTime() - 31 * 86_400_000).toISOString().slice(0, 10);
      // "since D" = [D, tomorrow) (DESIGN.md time conventions).
      const range = parseToolRange({ start: since, end: tomorrow.toISOString() });
      const stores = await openStores(storeOptionsFromConfig(loadConfig(), flags.db));
      try {
        const { rows } = await stores.app.query<{ count: number }>(
          'SELECT count(*) AS count FROM app.feedback_documents',
        );
        if (Number(rows[0]?.count ?? 0) === 0) throw nothingIngestedError();
        const embedder = await resolveFeedbackEmbedder(stores.app);
        const summary = await summarizeFeedback(stores.app, embedder.id, {
          start: range.start,
          end: range.end,
          maxTopics: 100,
          ...(options.channel ? { channel: options.channel } : {}),
        });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(summary)}\n`);
          return;
        }
        process.stdout.write(
          `${summary.current.count} messages since ${since}${options.channel ? ` (${options.channel})` : ''}; ${summary.model.k} topics.\n`,
        );
        const line = (topic: TopicSummary): string =>
          `${String(topic.size).padStart(5)}  ${topic.name}  [${topic.keywords.slice(0, 5).join(', ')}]  ` +
          `sentiment ${topic.sentiment.meanScore.toFixed(2)}, week ${topic.trend.previous}→${topic.trend.current} (${topic.trend.direction})` +
          `${topic.spike.emerging ? `  SPIKE ${topic.spike.ratio.toFixed(1)}×` : ''}\n      “${topic.quotes[0]?.text ?? ''}”\n`;
        if (summary.emerging.length > 0) {
          process.stdout.write('\nEmerging:\n');
          for (const topic of summary.emerging) process.stdout.write(line(topic));
        }
        process.stdout.write('\nTopics:\n');
        for (const topic of summary.topics) process.stdout.write(line(topic));
      } finally {
        await stores.close();
      }
    });
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
