import { describe, expect, it } from 'vitest';
import type { TextTable } from '../../../bot/render/table.js';
import { escapeMrkdwn, renderSlackMessage, SLACK_LIMITS } from '../../../bot/slack/blocks.js';
import { answerMessage, chunkText, splitHeadline } from '../../../bot/surface.js';
import { sampleOutcome } from '../../helpers/fake-pipeline.js';

function wideTable(rows: number): TextTable {
  const headers = ['user_id', 'country', 'kyc_level', 'deposits_usd', 'withdrawals_usd', 'note'];
  return {
    headers,
    rows: Array.from({ length: rows }, (_, index) => [
      String(100_000 + index),
      ['DE', 'FR', 'BR', 'NG', 'VN'][index % 5]!,
      String(index % 4),
      `$${(index * 1234.5).toFixed(2)}`,
      `$${(index * 987.25).toFixed(2)}`,
      `flag <${index}> & more text to widen the row`,
    ]),
    numeric: [true, false, true, true, true, false],
  };
}

function sectionTexts(blocks: ReturnType<typeof renderSlackMessage>['blocks']): string[] {
  return blocks.flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));
}

describe('Block Kit rendering within Slack limits', () => {
  it('splits a summary into headline and body', () => {
    expect(splitHeadline('Fees, Nov 2026: $1.2M. Against $1.0M in Oct: +$0.2M (+20.0%). 1 row.')).toEqual({
      headline: 'Fees, Nov 2026: $1.2M.',
      rest: 'Against $1.0M in Oct: +$0.2M (+20.0%). 1 row.',
    });
    expect(splitHeadline('No data.')).toEqual({ headline: 'No data.', rest: '' });
  });

  it('keeps a 1,000-row table under 50 blocks, 3,000 characters per section and the message budget, and says what was cut', () => {
    const outcome = sampleOutcome();
    const table = wideTable(1000);
    const rendered = renderSlackMessage(
      answerMessage({
        outcome: { ...outcome, answer: { ...outcome.answer!, table, rowCount: 1000 } },
        answerId: 'a1',
        channel: 'C1',
      }),
    );
    expect(rendered.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.maxBlocks);
    for (const text of sectionTexts(rendered.blocks))
      expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxSectionChars);
    expect(JSON.stringify(rendered.blocks).length).toBeLessThan(13_000);
    expect(rendered.rowsTotal).toBe(1000);
    expect(rendered.rowsShown).toBeGreaterThan(20);
    expect(rendered.rowsShown).toBeLessThan(SLACK_LIMITS.maxTableRows);
    const notes = rendered.blocks
      .filter((block) => block.type === 'context')
      .map((block) => JSON.stringify(block));
    expect(notes[0]).toContain(
      `Showing ${rendered.rowsShown} of 1000 rows; the full table is attached as CSV.`,
    );
    expect(rendered.blocks.at(-1)!.type).toBe('actions');
    expect(rendered.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxFallbackChars);
    // Cells are escaped inside the code blocks too.
    expect(sectionTexts(rendered.blocks).join('\n')).toContain('flag &lt;0&gt; &amp; more');
  });

  it('cuts an enormous summary into at most three sections and keeps the fallback short', () => {
    const summary = `Headline: $1. ${'word '.repeat(4000)}`;
    const rendered = renderSlackMessage({ title: 'Headline: $1.', text: summary });
    const texts = sectionTexts(rendered.blocks);
    expect(texts).toHaveLength(4);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxSectionChars);
    expect(rendered.text.length).toBeLessThanOrEqual(SLACK_LIMITS.maxFallbackChars);
  });

  it('renders fields ten per section, and refuses a button value Slack would reject', () => {
    const fields = Array.from({ length: 12 }, (_, index) => ({ label: `f${index}`, value: `v${index}` }));
    const rendered = renderSlackMessage({ text: 'alert', fields });
    const withFields = rendered.blocks.filter(
      (block) => block.type === 'section' && 'fields' in block && block.fields,
    );
    expect(withFields.map((block) => (block as { fields: unknown[] }).fields.length)).toEqual([10, 2]);
    expect(() =>
      renderSlackMessage({ text: 'x', buttons: [{ actionId: 'a', label: 'A', value: 'v'.repeat(2001) }] }),
    ).toThrow('button a: value longer than 2000 characters');
  });

  it('escapes mrkdwn control characters and chunks text at line breaks', () => {
    expect(escapeMrkdwn('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
    expect(chunkText('aaa\nbbb\nccc', 7)).toEqual(['aaa\nbbb', 'ccc']);
    expect(chunkText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});
