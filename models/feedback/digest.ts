/**
 * Feedback summaries over a period (what `feedback_summary` returns) and the weekly support digest
 * built on them: top topics, movers, new issues, the CSAT/rating trend and three quotes each, as text
 * and as a chart spec (bot/render's `ChartSpec` shape) that the Slack/Discord surfaces and the alert
 * scheduler can render.
 */
import type { Embedder } from '../../embeddings/index.js';
import { filterClause } from '../../embeddings/index.js';
import type { SqlConnection } from '../../warehouse/connection.js';
import {
  ensureTopicModel,
  type SummarizeTopicsOptions,
  summarizeTopics,
  type TopicSummary,
} from './topics.js';

const DAY_MS = 86_400_000;

/** Counts and ratings of a period. */
export interface PeriodStats {
  readonly count: number;
  readonly sentiment: { readonly positive: number; readonly neutral: number; readonly negative: number };
  /** Mean star rating of rated messages, or null when none is rated. */
  readonly averageRating: number | null;
  readonly ratedCount: number;
  /** Share of rated messages with 4 or 5 stars (CSAT). */
  readonly satisfiedShare: number | null;
}

/** A feedback summary: the period, the one before it, and topics. */
export interface FeedbackSummary {
  readonly start: string;
  readonly end: string;
  readonly channel: string | null;
  readonly topic: string | null;
  readonly current: PeriodStats;
  /** The period of the same length just before. */
  readonly previous: PeriodStats;
  readonly topics: readonly TopicSummary[];
  readonly emerging: readonly TopicSummary[];
  readonly model: { readonly k: number; readonly documentCount: number };
}

/** Reads counts, sentiment and ratings of `[start, end)`. */
export async function periodStats(
  app: SqlConnection,
  filters: { start: Date; end: Date; channel?: string },
  ids?: readonly string[],
): Promise<PeriodStats> {
  const where = filterClause(filters, 0);
  const idFilter = ids ? ` AND id = ANY($${where.params.length + 1}::text[])` : '';
  const { rows } = await app.query<{
    count: number;
    positive: number;
    neutral: number;
    negative: number;
    average_rating: number | null;
    rated: number;
    satisfied: number;
  }>(
    `SELECT count(*) AS count,
       count(*) FILTER (WHERE sentiment = 'positive') AS positive,
       count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
       count(*) FILTER (WHERE sentiment = 'negative') AS negative,
       avg(rating)::float8 AS average_rating,
       count(rating) AS rated,
       count(*) FILTER (WHERE rating >= 4) AS satisfied
     FROM app.feedback_documents WHERE ${where.sql}${idFilter}`,
    ids ? [...where.params, ids] : where.params,
  );
  const row = rows[0]!;
  const rated = Number(row.rated);
  return {
    count: Number(row.count),
    sentiment: {
      positive: Number(row.positive),
      neutral: Number(row.neutral),
      negative: Number(row.negative),
    },
    averageRating: row.average_rating === null ? null : Number(row.average_rating),
    ratedCount: rated,
    satisfiedShare: rated > 0 ? Number(row.satisfied) / rated : null,
  };
}

/** Options of {@link summarizeFeedback}. */
export interface SummarizeFeedbackOptions {
  readonly start: Date;
  readonly end: Date;
  readonly channel?: string;
  readonly topic?: string;
  /** Needed for `topic` (the topic text is embedded). */
  readonly embedder?: Embedder;
  /** Topics listed at most; default 10. */
  readonly maxTopics?: number;
}

/**
 * Summarises stored feedback over a period: counts, sentiment and CSAT against the previous period,
 * topics (size, keywords, sentiment, week-over-week trend with its p-value, quotes) and spikes.
 */
export async function summarizeFeedback(
  app: SqlConnection,
  embedderId: string,
  options: SummarizeFeedbackOptions,
): Promise<FeedbackSummary> {
  const model = await ensureTopicModel(app, embedderId);
  const topicOptions: SummarizeTopicsOptions = {
    start: options.start,
    end: options.end,
    ...(options.channel ? { channel: options.channel } : {}),
    ...(options.topic ? { topic: options.topic } : {}),
    ...(options.embedder ? { embedder: options.embedder } : {}),
  };
  const report = await summarizeTopics(app, model, topicOptions);
  const length = options.end.getTime() - options.start.getTime();
  const channel = options.channel ? { channel: options.channel } : {};
  const current = await periodStats(app, { start: options.start, end: options.end, ...channel });
  const previous = await periodStats(app, {
    start: new Date(options.start.getTime() - length),
    end: options.start,
    ...channel,
  });
  return {
    start: options.start.toISOString(),
    end: options.end.toISOString(),
    channel: options.channel ?? null,
    topic: options.topic ?? null,
    current,
    previous,
    topics: report.topics.slice(0, options.maxTopics ?? 10),
    emerging: report.emerging,
    model: report.model,
  };
}

/** The chart of a digest, in bot/render's `ChartSpec` shape (a line per top topic, messages per day). */
export interface DigestChart {
  readonly kind: 'line';
  readonly title: string;
  readonly subtitle: string;
  readonly x: { readonly field: 'day'; readonly title: ''; readonly type: 'temporal'; readonly grain: 'day' };
  readonly y: { readonly field: 'messages'; readonly title: 'Messages per day' };
  readonly series: { readonly field: 'topic'; readonly title: 'Topic' };
  readonly data: readonly { day: string; topic: string; messages: number }[];
}

/** The weekly support digest. */
export interface FeedbackDigest {
  readonly summary: FeedbackSummary;
  readonly topTopics: readonly TopicSummary[];
  /** Topics whose week-over-week change is significant (p < 0.05), largest change first. */
  readonly movers: readonly TopicSummary[];
  /** Emerging topics (spikes). */
  readonly newIssues: readonly TopicSummary[];
  /** Mean rating per day over the two weeks. */
  readonly ratingTrend: readonly { day: string; averageRating: number | null; messages: number }[];
  readonly text: string;
  readonly chart: DigestChart;
}

/**
 * The digest of the 7 full days before `now` (UTC), compared with the 7 before.
 *
 * @example
 * const digest = await buildWeeklyDigest(stores.app, embedder.id, { now: new Date('2026-11-24T12:00:00Z') });
 * await surface.post(channel, digest.text);
 */
export async function buildWeeklyDigest(
  app: SqlConnection,
  embedderId: string,
  options: { now: Date; channel?: string },
): Promise<FeedbackDigest> {
  const today = Date.UTC(options.now.getUTCFullYear(), options.now.getUTCMonth(), options.now.getUTCDate());
  const start = new Date(today - 7 * DAY_MS);
  const end = new Date(today);
  const summary = await summarizeFeedback(app, embedderId, {
    start,
    end,
    maxTopics: 50,
    ...(options.channel ? { channel: options.channel } : {}),
  });
  const topTopics = summary.topics.slice(0, 5);
  const movers = summary.topics
    .filter((topic) => topic.trend.direction !== 'flat')
    .sort((a, b) => Math.abs(Math.log(b.trend.ratio)) - Math.abs(Math.log(a.trend.ratio)))
    .slice(0, 5);
  const newIssues = summary.emerging.slice(0, 5);

  const where = filterClause(
    { start: new Date(today - 14 * DAY_MS), end, ...(options.channel ? { channel: options.channel } : {}) },
    0,
  );
  const { rows } = await app.query<{ day: string; average_rating: number | null; messages: number }>(
    `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
       avg(rating)::float8 AS average_rating, count(*) AS messages
     FROM app.feedback_documents WHERE ${where.sql} GROUP BY 1 ORDER BY 1`,
    where.params,
  );
  const ratingTrend = rows.map((row) => ({
    day: row.day,
    averageRating: row.average_rating === null ? null : Number(row.average_rating),
    messages: Number(row.messages),
  }));

  const chartTopics = [
    ...new Map([...newIssues, ...topTopics].map((topic) => [topic.topicId, topic])).values(),
  ].slice(0, 6);
  const chartData = await dailyTopicCounts(
    app,
    embedderId,
    chartTopics,
    new Date(today - 14 * DAY_MS),
    end,
    options.channel,
  );
  const chart: DigestChart = {
    kind: 'line',
    title: 'Feedback by topic',
    subtitle: `${day(new Date(today - 14 * DAY_MS))} to ${day(new Date(today - DAY_MS))} (UTC), messages per day`,
    x: { field: 'day', title: '', type: 'temporal', grain: 'day' },
    y: { field: 'messages', title: 'Messages per day' },
    series: { field: 'topic', title: 'Topic' },
    data: chartData,
  };
  return {
    summary,
    topTopics,
    movers,
    newIssues,
    ratingTrend,
    text: renderDigest(summary, topTopics, movers, newIssues),
    chart,
  };
}

async function dailyTopicCounts(
  app: SqlConnection,
  embedderId: string,
  topics: readonly TopicSummary[],
  start: Date,
  end: Date,
  channel: string | undefined,
): Promise<{ day: string; topic: string; messages: number }[]> {
  if (topics.length === 0) return [];
  const model = await ensureTopicModel(app, embedderId);
  const { loadFeedbackDocuments, topicSpace } = await import('./topics.js');
  const { nearestCentroid } = await import('./clustering.js');
  const documents = await loadFeedbackDocuments(app, { start, end, ...(channel ? { channel } : {}) });
  const space = await topicSpace(app, embedderId);
  const vectors = await space.project(documents);
  const wanted = new Map(topics.map((topic) => [topic.topicId, topic.name]));
  const counts = new Map<string, number>();
  vectors.forEach((vector, index) => {
    const topic = nearestCentroid(vector, model.centroids).index;
    const name = wanted.get(topic);
    const created = documents[index]!.createdAt;
    if (name === undefined || !created) return;
    const key = `${day(created)}\u0000${name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const data: { day: string; topic: string; messages: number }[] = [];
  for (let time = start.getTime(); time < end.getTime(); time += DAY_MS) {
    for (const name of wanted.values()) {
      data.push({
        day: day(new Date(time)),
        topic: name,
        messages: counts.get(`${day(new Date(time))}\u0000${name}`) ?? 0,
      });
    }
  }
  return data;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function percent(value: number): string {
  return `${(value * 100).toFixed(0)}%`;
}

function change(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? 'no change' : 'new';
  const delta = (current - previous) / previous;
  return `${delta >= 0 ? '+' : ''}${(delta * 100).toFixed(0)}%`;
}

function quoteLines(topic: TopicSummary): string[] {
  return topic.quotes.map((quote) => `    > "${quote.text}"`);
}

/** The digest as plain text (Slack and Discord render it as is). */
export function renderDigest(
  summary: FeedbackSummary,
  topTopics: readonly TopicSummary[],
  movers: readonly TopicSummary[],
  newIssues: readonly TopicSummary[],
): string {
  const { current, previous } = summary;
  const lines: string[] = [];
  const endDay = day(new Date(new Date(summary.end).getTime() - DAY_MS));
  lines.push(
    `Weekly feedback digest, ${summary.start.slice(0, 10)} to ${endDay} (UTC)${summary.channel ? `, ${summary.channel}` : ''}`,
  );
  lines.push(
    `${current.count} messages (${change(current.count, previous.count)} vs the week before); ` +
      `${percent(current.count ? current.sentiment.negative / current.count : 0)} negative.`,
  );
  if (current.averageRating !== null) {
    const before = previous.averageRating === null ? '' : ` (was ${previous.averageRating.toFixed(2)})`;
    const csat =
      current.satisfiedShare === null
        ? ''
        : `, CSAT ${percent(current.satisfiedShare)}${previous.satisfiedShare === null ? '' : ` (was ${percent(previous.satisfiedShare)})`}`;
    lines.push(`Average rating ${current.averageRating.toFixed(2)}${before}${csat}.`);
  }
  if (newIssues.length > 0) {
    lines.push('', 'New issues (spikes):');
    for (const topic of newIssues) {
      lines.push(
        `  • ${topic.name}: ${topic.spike.current} messages in the last days, ${topic.spike.ratio.toFixed(1)}× the usual rate (p ${formatP(topic.spike.pValueIncrease)})`,
        ...quoteLines(topic),
      );
    }
  }
  lines.push('', 'Top topics:');
  for (const topic of topTopics) {
    lines.push(
      `  • ${topic.name} — ${topic.size} messages (${percent(topic.share)}), ${percent(topic.sentiment.negativeShare)} negative, week over week ${change(topic.trend.current, topic.trend.previous)}`,
      ...quoteLines(topic),
    );
  }
  if (movers.length > 0) {
    lines.push('', 'Movers (significant week-over-week changes):');
    for (const topic of movers) {
      lines.push(
        `  • ${topic.name}: ${topic.trend.previous} → ${topic.trend.current} (${topic.trend.direction}, p ${formatP(topic.trend.pValue)})`,
        ...quoteLines(topic),
      );
    }
  }
  return lines.join('\n');
}

function formatP(value: number): string {
  return value < 0.001 ? '< 0.001' : value.toFixed(3);
}
