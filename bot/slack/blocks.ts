/**
 * Block Kit rendering of {@link OutgoingMessage}s, within Slack's limits: at most 50 blocks, 3,000
 * characters per section, and whole messages kept well under the ~13,000 characters at which Slack
 * starts rejecting them (the documented per-block limits add up to far more). A `text` fallback is
 * always set: notifications, screen readers and old clients show it. A table that does not fit is cut,
 * and the caller attaches the full table as CSV.
 */
import type { types as SlackTypes } from '@slack/bolt';
import { tableToCsv } from '../render/table.js';
import { chunkTable, chunkText, cutText, type OutgoingMessage, plainText } from '../surface.js';

/** Block Kit block, as `@slack/types` declares it. */
export type SlackBlock = SlackTypes.KnownBlock;

/** Slack's limits, and the budgets this renderer keeps under them. */
export const SLACK_LIMITS = {
  maxBlocks: 50,
  maxSectionChars: 3000,
  /** Characters of block text per message: under the ~13k at which whole messages fail. */
  messageBudgetChars: 11_000,
  maxFallbackChars: 3000,
  /** Rows shown in a message; more go to the CSV. */
  maxTableRows: 100,
  maxButtonsPerBlock: 25,
  maxButtonLabelChars: 75,
  maxButtonValueChars: 2000,
  maxFieldsPerSection: 10,
  maxFieldChars: 2000,
} as const;

/** A rendered message. */
export interface SlackMessage {
  readonly blocks: SlackBlock[];
  /** The fallback text (notifications, accessibility). */
  readonly text: string;
  /** Table rows shown in the blocks and in the table; fewer shown means attach the CSV. */
  readonly rowsShown: number;
  readonly rowsTotal: number;
}

/** Escapes the three characters Slack's mrkdwn reserves. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function textLength(block: SlackBlock): number {
  return JSON.stringify(block).length;
}

/**
 * Renders a message as blocks and fallback text.
 *
 * @example
 * const rendered = renderSlackMessage(answerMessage({ outcome, answerId, channel }));
 * await client.chat.postMessage({ channel, text: rendered.text, blocks: rendered.blocks });
 * if (rendered.rowsShown < rendered.rowsTotal) // upload tableToCsv(table) as well
 */
export function renderSlackMessage(message: Omit<OutgoingMessage, 'channel'>): SlackMessage {
  const head: SlackBlock[] = [];
  const tail: SlackBlock[] = [];
  if (message.title)
    head.push(section(`*${escapeMrkdwn(cutText(message.title, SLACK_LIMITS.maxSectionChars - 2))}*`));
  if (message.text) {
    // Sections of the body; a summary longer than two sections is cut (the answer's detail is in the table).
    const pieces = chunkText(escapeMrkdwn(message.text), SLACK_LIMITS.maxSectionChars);
    for (const piece of pieces.slice(0, 3)) head.push(section(piece));
  }
  const fields = message.fields ?? [];
  for (let start = 0; start < fields.length; start += SLACK_LIMITS.maxFieldsPerSection) {
    head.push({
      type: 'section',
      fields: fields.slice(start, start + SLACK_LIMITS.maxFieldsPerSection).map((field) => ({
        type: 'mrkdwn' as const,
        text: cutText(
          `*${escapeMrkdwn(field.label)}*\n${escapeMrkdwn(field.value)}`,
          SLACK_LIMITS.maxFieldChars,
        ),
      })),
    });
  }
  if (message.footer) {
    tail.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: escapeMrkdwn(cutText(message.footer, SLACK_LIMITS.maxSectionChars)) },
      ],
    });
  }
  const buttons = message.buttons ?? [];
  for (let start = 0; start < buttons.length; start += SLACK_LIMITS.maxButtonsPerBlock) {
    tail.push({
      type: 'actions',
      elements: buttons.slice(start, start + SLACK_LIMITS.maxButtonsPerBlock).map((button) => {
        if (button.value.length > SLACK_LIMITS.maxButtonValueChars) {
          throw new RangeError(
            `button ${button.actionId}: value longer than ${SLACK_LIMITS.maxButtonValueChars} characters`,
          );
        }
        return {
          type: 'button' as const,
          action_id: button.actionId,
          text: {
            type: 'plain_text' as const,
            text: cutText(button.label, SLACK_LIMITS.maxButtonLabelChars),
          },
          value: button.value,
          ...(button.style ? { style: button.style } : {}),
        };
      }),
    });
  }
  let rowsShown = 0;
  const rowsTotal = message.table?.rows.length ?? 0;
  const tableBlocks: SlackBlock[] = [];
  if (message.table) {
    const used = [...head, ...tail].reduce((sum, block) => sum + textLength(block), 0);
    // One block is kept for the "rows left out" note.
    const blocksLeft = SLACK_LIMITS.maxBlocks - head.length - tail.length - 1;
    const fence = 8; // ``` + newline, twice
    const table = chunkTable(message.table, {
      maxChunkChars: SLACK_LIMITS.maxSectionChars - fence,
      budgetChars: Math.max(0, SLACK_LIMITS.messageBudgetChars - used - 200),
      maxRows: SLACK_LIMITS.maxTableRows,
      maxChunks: Math.max(0, blocksLeft),
      measure: (text) => escapeMrkdwn(text).length,
    });
    rowsShown = table.rowsShown;
    if (blocksLeft > 0) {
      for (const chunk of table.chunks) tableBlocks.push(section(`\`\`\`\n${escapeMrkdwn(chunk)}\n\`\`\``));
    }
    if (rowsShown < rowsTotal) {
      tableBlocks.push({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Showing ${rowsShown} of ${rowsTotal} rows; the full table is attached as CSV.`,
          },
        ],
      });
    }
  }
  const blocks = [...head, ...tableBlocks, ...tail].slice(0, SLACK_LIMITS.maxBlocks);
  const text = escapeMrkdwn(cutText(plainText(message) || ' ', SLACK_LIMITS.maxFallbackChars));
  return { blocks, text, rowsShown, rowsTotal };
}

/** The full table of a message as a CSV file, for when the blocks had to cut it. */
export function tableCsvFile(
  message: Pick<OutgoingMessage, 'table'>,
  name: string,
): { filename: string; data: Buffer } | undefined {
  if (!message.table) return undefined;
  return { filename: `${name}.csv`, data: Buffer.from(tableToCsv(message.table), 'utf8') };
}
