import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { ConfigurationError } from '../../core/errors.js';

const noFile = join(tmpdir(), 'no-such-analyst.config.json');

describe('configuration', () => {
  it('has defaults that need nothing set', () => {
    const config = loadConfig({}, noFile);
    expect(config).toMatchObject({
      ANALYST_DATA_DIR: './.analyst',
      ANALYST_ROLE: 'analyst',
      ANALYST_MAX_ROWS: 1000,
      OPENAI_MODEL: 'gpt-4o-mini',
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names the wrong variable and what it should look like', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db' }, noFile)).toThrow(
      new ConfigurationError('DATABASE_URL', 'should look like postgres://user:password@host:5432/database'),
    );
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'abc' }, noFile)).toThrow(
      'SLACK_BOT_TOKEN: should start with xoxb-',
    );
    expect(() => loadConfig({ ANALYST_MAX_ROWS: 'lots' }, noFile)).toThrow(/^ANALYST_MAX_ROWS: /);
    expect(() => loadConfig({ DISCORD_PUBLIC_KEY: 'xyz' }, noFile)).toThrow(
      'DISCORD_PUBLIC_KEY: should be the 64-hex-character public key of the Discord application',
    );
  });

  it('reads analyst.config.json and lets the environment win', () => {
    const directory = mkdtempSync(join(tmpdir(), 'analyst-config-'));
    const file = join(directory, 'analyst.config.json');
    writeFileSync(file, JSON.stringify({ ANALYST_ROLE: 'support', ANALYST_MAX_ROWS: 50 }));
    expect(loadConfig({}, file)).toMatchObject({ ANALYST_ROLE: 'support', ANALYST_MAX_ROWS: 50 });
    expect(loadConfig({ ANALYST_ROLE: 'compliance' }, file).ANALYST_ROLE).toBe('compliance');
    writeFileSync(file, '{ not json');
    expect(() => loadConfig({}, file)).toThrow(/analyst\.config\.json: is not valid JSON/);
  });
});
