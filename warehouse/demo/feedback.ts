/**
 * Customer feedback of the demo warehouse: real Banking77 customer messages with dates (more recent than
 * old, as the user base grows), channels, platforms, ratings that depend on the intent (complaints rate
 * low), and a planted spike of one intent in the last four days.
 */
import { readFileSync } from 'node:fs';
import type { Random } from '../../core/random.js';
import type { Population } from './population.js';
import { COUNTRIES } from './reference-data.js';
import { pickIndex } from './sampling.js';
import { DAY_MS, type TimeModel } from './time-model.js';

/** One labelled message of Banking77. */
export interface Banking77Row {
  readonly text: string;
  readonly intent: string;
}

/**
 * Reads Banking77's train.csv (columns text, category). The file is RFC 4180 CSV with CRLF line ends,
 * but a few records have a line break inside an unquoted text ("…my card\r\n\r\n,card_not_working");
 * such fragments are joined to the record that ends them, with the line breaks collapsed to spaces.
 */
export function readBanking77(path: string): Banking77Row[] {
  const records = parseCsv(readFileSync(path, 'utf8'));
  const header = records.shift();
  if (header?.[0]?.trim() !== 'text' || header[1]?.trim() !== 'category') {
    throw new Error(`${path}: expected the header "text,category"`);
  }
  const rows: Banking77Row[] = [];
  let pending: string[] = [];
  for (const record of records) {
    if (record.length >= 2 && /^[A-Za-z_?]+$/.test(record[record.length - 1]!.trim())) {
      const text = [...pending, record.slice(0, -1).join(',')].join(' ').replace(/\s+/g, ' ').trim();
      pending = [];
      if (text) rows.push({ text, intent: record[record.length - 1]!.trim() });
    } else if (record.some((field) => field.trim() !== '')) {
      pending.push(record.join(','));
    }
  }
  return rows;
}

/** A small RFC 4180 parser (quoted fields with commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index++;
        } else quoted = false;
      } else field += character;
    } else if (character === '"' && field === '') quoted = true;
    else if (character === ',') {
      record.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += character;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Feedback channels (`feedback.channel`) and their shares. */
export const FEEDBACK_CHANNELS = ['app_review', 'support_chat', 'email', 'social'] as const;
const CHANNEL_SHARES = [0.3, 0.35, 0.2, 0.15];
const SPIKE_CHANNEL_SHARES = [0.2, 0.4, 0.1, 0.3];

/** The intent that spikes at the end of the data. */
export const SPIKE_INTENT = 'card_arrival';
/** Length of the spike, ending at now. */
export const SPIKE_DAYS = 4;

// Intents that are complaints about something that went wrong rate lowest; waiting for something or
// being charged rates low; questions rate neutral to positive.
const BROKEN = new Set([
  'card_not_working',
  'compromised_card',
  'lost_or_stolen_card',
  'lost_or_stolen_phone',
  'declined_card_payment',
  'declined_transfer',
  'declined_cash_withdrawal',
  'failed_transfer',
  'transfer_not_received_by_recipient',
  'wrong_amount_of_cash_received',
  'transaction_charged_twice',
  'card_swallowed',
  'cash_withdrawal_not_recognised',
  'card_payment_not_recognised',
  'direct_debit_payment_not_recognised',
  'Refund_not_showing_up',
  'balance_not_updated_after_bank_transfer',
  'balance_not_updated_after_cheque_or_cash_deposit',
  'top_up_failed',
  'top_up_reverted',
  'reverted_card_payment?',
  'unable_to_verify_identity',
  'pin_blocked',
  'virtual_card_not_working',
  'contactless_not_working',
  'extra_charge_on_statement',
  'card_payment_wrong_exchange_rate',
  'wrong_exchange_rate_for_cash_withdrawal',
  'beneficiary_not_allowed',
]);
const WAITING_OR_CHARGED = new Set([
  'card_arrival',
  'pending_transfer',
  'pending_top_up',
  'pending_card_payment',
  'pending_cash_withdrawal',
  'transfer_timing',
  'card_delivery_estimate',
  'verify_top_up',
  'cash_withdrawal_charge',
  'card_payment_fee_charged',
  'transfer_fee_charged',
  'exchange_charge',
  'top_up_by_card_charge',
  'top_up_by_bank_transfer_charge',
  'request_refund',
  'cancel_transfer',
  'terminate_account',
  'passcode_forgotten',
]);

/** Mean rating (1–5) of an intent. */
export function intentMeanRating(intent: string): number {
  if (BROKEN.has(intent)) return 1.6;
  if (WAITING_OR_CHARGED.has(intent)) return 2.4;
  return 3.7;
}

/** Sentiment of a rating: negative (1–2), neutral (3), positive (4–5). */
export function sentimentOf(rating: number): 'negative' | 'neutral' | 'positive' {
  return rating <= 2 ? 'negative' : rating === 3 ? 'neutral' : 'positive';
}

/** A generated feedback message (ids are assigned in time order by the loader). */
export interface FeedbackDraft {
  readonly time: number;
  readonly user: number | null;
  readonly channel: number;
  readonly platform: string;
  readonly text: string;
  readonly intent: string;
  readonly rating: number;
  readonly spike: boolean;
}

/** Generates `count` ordinary messages plus the spike; returns them sorted by time. */
export function generateFeedback(
  rows: readonly Banking77Row[],
  count: number,
  spikeCount: number,
  population: Population,
  time: TimeModel,
  random: Random,
): FeedbackDraft[] {
  if (rows.length === 0) throw new Error('Banking77 has no rows');
  const drafts: FeedbackDraft[] = [];
  // Sample without replacement (one shuffled pass per 10k rows), so a scale-1 demo uses each text once.
  let order: number[] = [];
  const nextRow = (): Banking77Row => {
    if (order.length === 0) {
      order = rows.map((_row, index) => index);
      for (let index = order.length - 1; index > 0; index--) {
        const other = Math.floor(random.next() * (index + 1));
        [order[index], order[other]] = [order[other]!, order[index]!];
      }
    }
    return rows[order.pop()!]!;
  };
  const make = (row: Banking77Row, when: number, spike: boolean): FeedbackDraft => {
    const channel = pickIndex(random, spike ? SPIKE_CHANNEL_SHARES : CHANNEL_SHARES);
    const user = pickUser(population, when, random);
    const userPlatform = user === null ? random.int(0, 2) : Math.min(2, population.platform[user]!);
    const platform =
      channel === 0
        ? random.next() < 0.5
          ? 'ios'
          : 'android'
        : (['web', 'ios', 'android'] as const)[userPlatform]!;
    const mean = intentMeanRating(row.intent) - (spike ? 0.4 : 0) - (channel === 0 ? 0.15 : 0);
    const rating = Math.max(1, Math.min(5, Math.round(mean + 0.85 * random.normal())));
    return { time: when, user, channel, platform, text: row.text, intent: row.intent, rating, spike };
  };
  for (let index = 0; index < count; index++) {
    const row = nextRow();
    // Feedback grows faster than the user base (more channels watched), so it leans toward recent dates.
    const offset = COUNTRIES[random.int(0, COUNTRIES.length - 1)]!.utcOffset;
    drafts.push(make(row, time.sampleWithGrowth(random, time.startMs, time.nowMs, offset), false));
  }
  const spikeRows = rows.filter((row) => row.intent === SPIKE_INTENT);
  const spikeStart = time.nowMs - SPIKE_DAYS * DAY_MS;
  for (let index = 0; index < spikeCount && spikeRows.length > 0; index++) {
    // Rising through the four days: density 1 + 3x on [0, 1), sampled by its inverse CDF.
    const position = (-1 + Math.sqrt(1 + 15 * random.next())) / 3;
    const when = spikeStart + Math.min(0.999_999, position) * SPIKE_DAYS * DAY_MS;
    drafts.push(make(spikeRows[random.int(0, spikeRows.length - 1)]!, when, true));
  }
  drafts.sort((a, b) => a.time - b.time || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  return drafts;
}

/** A user who existed at `when` (80%), or null for anonymous reviews and posts. */
function pickUser(population: Population, when: number, random: Random): number | null {
  if (random.next() < 0.2) return null;
  // Users are sorted by sign-up time: those who existed are a prefix.
  let low = 0;
  let high = population.count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (population.created[middle]! < when) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? null : random.int(0, low - 1);
}

/** Spike size for a scale: several hundred messages at scale 1. */
export function spikeSize(scale: number): number {
  return Math.max(12, Math.round(360 * scale));
}
