import { describe, expect, it } from 'vitest';
import {
  customId,
  DISCORD_LIMITS,
  parseCustomId,
  renderDiscordMessage,
} from '../../../bot/discord/messages.js';
import { answerMessage } from '../../../bot/surface.js';
import { sampleOutcome } from '../../helpers/fake-pipeline.js';

describe('Discord rendering within Discord limits', () => {
  it('keeps a long table under the embed limits and attaches the full CSV', () => {
    const outcome = sampleOutcome({ rows: 400 });
    const rendered = renderDiscordMessage(
      answerMessage({ outcome, answerId: 'a1', channel: '1', followUp: true }),
    );
    const [embed] = rendered.body.embeds;
    const description = String(embed!['description']);
    expect(description.length).toBeLessThanOrEqual(DISCORD_LIMITS.maxDescriptionChars);
    expect(JSON.stringify(embed).length).toBeLessThan(DISCORD_LIMITS.maxEmbedTotalChars + 500);
    expect(rendered.rowsTotal).toBe(400);
    expect(rendered.rowsShown).toBeLessThanOrEqual(DISCORD_LIMITS.maxTableRows);
    expect(
      description.endsWith(`Showing ${rendered.rowsShown} of 400 rows; the full table is attached as CSV.`),
    ).toBe(true);
    expect(rendered.files.map((file) => file.name)).toEqual(['table.csv']);
    expect(rendered.files[0]!.data.toString('utf8').split('\n')).toHaveLength(402);
    expect(rendered.body.attachments).toEqual([{ id: 0, filename: 'table.csv' }]);
  });

  it('round-trips custom ids and refuses ones Discord would reject', () => {
    expect(parseCustomId(customId('alert_ack', '42'))).toEqual({ actionId: 'alert_ack', value: '42' });
    expect(() => customId('alert|ack', '1')).toThrow("action id 'alert|ack' must not contain '|'");
    expect(() => customId('alert_ack', 'x'.repeat(100))).toThrow(/longer than 100 characters/);
  });

  it('puts five buttons per row and never sends an empty embed', () => {
    const buttons = Array.from({ length: 7 }, (_, index) => ({
      actionId: `b${index}`,
      label: `B${index}`,
      value: '1',
    }));
    const rendered = renderDiscordMessage({ text: '', buttons });
    expect(rendered.body.components.map((row) => (row['components'] as unknown[]).length)).toEqual([5, 2]);
    expect(rendered.body.embeds[0]!['description']).toBe('\u200b');
  });
});
