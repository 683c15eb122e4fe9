/**
 * Discord rendering of {@link OutgoingMessage}s: one embed (title, description with the table as a code
 * block, fields, footer, the chart as `attachment://chart.png`), buttons in action rows, files as
 * multipart attachments. Discord's limits: 256-character titles, 4,096-character descriptions, 6,000
 * characters across a message's embeds, 5 rows of 5 buttons, 100-character custom ids. A table that
 * does not fit is cut and attached in full as CSV.
 */
import { createHash } from 'node:crypto';
import { tableToCsv } from '../render/table.js';
import { chunkTable, cutText, type MessageButton, type OutgoingMessage } from '../surface.js';

/** Discord's limits. */
export const DISCORD_LIMITS = {
  maxTitleChars: 256,
  maxDescriptionChars: 4096,
  maxEmbedTotalChars: 6000,
  maxFooterChars: 2048,
  maxFields: 25,
  maxFieldNameChars: 256,
  maxFieldValueChars: 1024,
  maxContentChars: 2000,
  maxButtonRows: 5,
  maxButtonsPerRow: 5,
  maxButtonLabelChars: 80,
  maxCustomIdChars: 100,
  maxTableRows: 60,
  /** Discord's nonce is at most 25 characters. */
  maxNonceChars: 25,
} as const;

/** The colour of the bot's embeds (the charts' primary blue). */
export const EMBED_COLOR = 0x4e79a7;

/** Component types and styles of the Discord API (v10). */
const ACTION_ROW = 1;
const BUTTON = 2;
const BUTTON_STYLES: Record<NonNullable<MessageButton['style']> | 'default', number> = {
  primary: 1,
  default: 2,
  danger: 4,
};

/** A file for discord.js REST (`RawFile`). */
export interface DiscordFile {
  readonly name: string;
  readonly data: Buffer;
  readonly contentType?: string;
}

/** A rendered message: the JSON body and the files to send with it. */
export interface DiscordMessage {
  readonly body: {
    content: string;
    embeds: Record<string, unknown>[];
    components: Record<string, unknown>[];
    attachments: { id: number; filename: string; description?: string }[];
  };
  readonly files: DiscordFile[];
  readonly rowsShown: number;
  readonly rowsTotal: number;
}

/** `actionId|value`, checked against Discord's 100-character limit. */
export function customId(actionId: string, value: string): string {
  if (actionId.includes('|')) throw new RangeError(`action id '${actionId}' must not contain '|'`);
  const id = `${actionId}|${value}`;
  if (id.length > DISCORD_LIMITS.maxCustomIdChars) {
    throw new RangeError(`custom id '${id}' is longer than ${DISCORD_LIMITS.maxCustomIdChars} characters`);
  }
  return id;
}

/** Splits a custom id into action id and value. */
export function parseCustomId(id: string): { actionId: string; value: string } {
  const separator = id.indexOf('|');
  return separator < 0
    ? { actionId: id, value: '' }
    : { actionId: id.slice(0, separator), value: id.slice(separator + 1) };
}

/** The nonce of an idempotency key: a stable 25-character digest (Discord's limit). */
export function nonceFor(idempotencyKey: string): string {
  return createHash('sha256')
    .update(idempotencyKey)
    .digest('base64url')
    .slice(0, DISCORD_LIMITS.maxNonceChars);
}

/** Renders a message as a Discord message body and files. */
export function renderDiscordMessage(message: Omit<OutgoingMessage, 'channel'>): DiscordMessage {
  const files: DiscordFile[] = [];
  const attachments: DiscordMessage['body']['attachments'] = [];
  const addFile = (
    file: { filename: string; data: Buffer; altText?: string },
    contentType?: string,
  ): void => {
    attachments.push({
      id: files.length,
      filename: file.filename,
      ...(file.altText ? { description: cutText(file.altText, 1024) } : {}),
    });
    files.push({ name: file.filename, data: file.data, ...(contentType ? { contentType } : {}) });
  };
  const embed: Record<string, unknown> = { color: EMBED_COLOR };
  let used = 0;
  let descriptionParts: string[] = [];
  if (message.title) {
    if (message.title.length <= DISCORD_LIMITS.maxTitleChars) embed['title'] = message.title;
    else descriptionParts.push(`**${message.title}**`);
    used += Math.min(message.title.length, DISCORD_LIMITS.maxTitleChars);
  }
  if (message.text) descriptionParts.push(message.text);
  let description = cutText(descriptionParts.join('\n'), DISCORD_LIMITS.maxDescriptionChars - 200);
  descriptionParts = [];
  const fields = (message.fields ?? []).slice(0, DISCORD_LIMITS.maxFields).map((field) => ({
    name: cutText(field.label, DISCORD_LIMITS.maxFieldNameChars),
    value: cutText(field.value || '-', DISCORD_LIMITS.maxFieldValueChars),
    inline: field.value.length <= 40,
  }));
  if (fields.length > 0) embed['fields'] = fields;
  used += fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  if (message.footer) {
    const footer = cutText(message.footer, DISCORD_LIMITS.maxFooterChars);
    embed['footer'] = { text: footer };
    used += footer.length;
  }
  used += description.length;
  let rowsShown = 0;
  const rowsTotal = message.table?.rows.length ?? 0;
  if (message.table) {
    const room = Math.min(
      DISCORD_LIMITS.maxDescriptionChars - description.length,
      DISCORD_LIMITS.maxEmbedTotalChars - used,
    );
    const fence = 10;
    const table = chunkTable(message.table, {
      maxChunkChars: Math.max(0, room - fence - 80),
      budgetChars: Math.max(0, room - fence - 80),
      maxRows: DISCORD_LIMITS.maxTableRows,
      maxChunks: 1,
    });
    rowsShown = table.rowsShown;
    const [chunk] = table.chunks;
    if (chunk !== undefined && rowsShown > 0)
      description += `${description ? '\n' : ''}\`\`\`\n${chunk}\n\`\`\``;
    if (rowsShown < rowsTotal) {
      description += `\nShowing ${rowsShown} of ${rowsTotal} rows; the full table is attached as CSV.`;
    }
  }
  // Discord refuses an empty embed; a zero-width space keeps a message of buttons only valid.
  if (description || (!embed['title'] && !message.image && fields.length === 0)) {
    embed['description'] = description || '\u200b';
  }
  if (message.image) {
    addFile(message.image, 'image/png');
    embed['image'] = { url: `attachment://${message.image.filename}` };
  }
  for (const file of message.files ?? []) addFile(file);
  if (message.table && rowsShown < rowsTotal) {
    addFile({ filename: 'table.csv', data: Buffer.from(tableToCsv(message.table)) }, 'text/csv');
  }
  const buttons = (message.buttons ?? []).slice(
    0,
    DISCORD_LIMITS.maxButtonRows * DISCORD_LIMITS.maxButtonsPerRow,
  );
  const components: Record<string, unknown>[] = [];
  for (let start = 0; start < buttons.length; start += DISCORD_LIMITS.maxButtonsPerRow) {
    components.push({
      type: ACTION_ROW,
      components: buttons.slice(start, start + DISCORD_LIMITS.maxButtonsPerRow).map((button) => ({
        type: BUTTON,
        style: BUTTON_STYLES[button.style ?? 'default'],
        label: cutText(button.label, DISCORD_LIMITS.maxButtonLabelChars),
        custom_id: customId(button.actionId, button.value),
      })),
    });
  }
  return {
    body: { content: '', embeds: [embed], components, attachments },
    files,
    rowsShown,
    rowsTotal,
  };
}
