import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLACK_BOT_EVENTS, SLACK_BOT_SCOPES } from '../../../bot/slack/index.js';
import { PROJECT_ROOT } from '../../../core/config.js';

/** The items of the YAML list that follows `key:` (indented `- item` lines). */
function listAfter(yaml: string, key: string): string[] {
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => line.trim() === `${key}:`);
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^\s+- ([\w:.]+)\s*$/.exec(line);
    if (!match) break;
    items.push(match[1]!);
  }
  return items;
}

describe('slack/manifest.yaml', () => {
  const manifest = readFileSync(resolve(PROJECT_ROOT, 'slack', 'manifest.yaml'), 'utf8');

  it('asks for exactly the scopes the surface uses', () => {
    expect(listAfter(manifest, 'bot').sort()).toEqual(Object.keys(SLACK_BOT_SCOPES).sort());
  });

  it('subscribes to exactly the events the surface handles, and declares /analyst on the events URL', () => {
    expect(listAfter(manifest, 'bot_events')).toEqual([...SLACK_BOT_EVENTS]);
    expect(manifest).toContain('- command: /analyst\n      url: https://analyst.example.com/slack/events');
  });
});
