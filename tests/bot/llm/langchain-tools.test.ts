import { ToolInputParsingException } from '@langchain/core/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toLangChainTools } from '../../../bot/llm/index.js';
import { NotAvailableError } from '../../../core/errors.js';
import { createRandom } from '../../../core/random.js';
import {
  type AuditEntry,
  defineTool,
  TOOLS,
  type Tool,
  type ToolContext,
  type ToolResultBase,
} from '../../../tools/index.js';
import { openStores, type Stores } from '../../../warehouse/stores.js';

const NOW = new Date('2026-11-24T12:00:00Z');

let stores: Stores;
const audit: AuditEntry[] = [];
const contexts: string[] = [];

function contextFor(toolName: string): ToolContext {
  contexts.push(toolName);
  return {
    warehouse: stores.warehouse,
    app: stores.app,
    now: NOW,
    random: createRandom(42),
    asker: { id: 'U1', role: 'analyst', surface: 'test' },
    audit: { record: async (entry) => void audit.push(entry) },
    maxRows: 1000,
    statementTimeoutMs: 15_000,
  };
}

beforeAll(async () => {
  stores = await openStores({ inMemory: true });
}, 60_000);
afterAll(async () => {
  await stores?.close();
});

/** A tiny tool of our own interface: echoes its parsed input and the context's clock. */
const echoTool = defineTool({
  name: 'echo',
  description: 'Echo the input back',
  input: z.object({
    word: z.string().min(2).describe('A word. Example: hello'),
    times: z.number().int().max(3).default(1),
  }),
  async run(input, context) {
    return { sql: [], echoed: input.word.repeat(input.times), now: context.now.toISOString() };
  },
});

describe('toLangChainTools', () => {
  it('exposes every tool with its name, description and zod schema', () => {
    const tools = toLangChainTools(TOOLS, contextFor);
    expect(tools.map((tool) => tool.name)).toEqual(Object.keys(TOOLS));
    const describeTool = tools.find((tool) => tool.name === 'describe_data')!;
    expect(describeTool.description).toBe(TOOLS['describe_data']!.description);
    expect(describeTool.schema).toBe(TOOLS['describe_data']!.input);
  });

  it('runs describe_data against PGlite and returns its result as JSON', async () => {
    const describeData = toLangChainTools(TOOLS, contextFor).find((tool) => tool.name === 'describe_data')!;
    const output = await describeData.invoke({ subject: 'users' });
    expect(typeof output).toBe('string');
    const result = JSON.parse(output as string) as {
      kind: string;
      subject: string;
      tables: { name: string; columns: { name: string; type: string }[]; approximateRows: number }[];
      sql: { sql: string }[];
    };
    expect(result.kind).toBe('describe_data');
    expect(result.subject).toBe('users');
    expect(result.tables.map((table) => table.name)).toEqual(['users']);
    expect(result.tables[0]!.columns.slice(0, 3)).toEqual([
      { name: 'user_id', type: 'integer' },
      { name: 'email', type: 'text' },
      { name: 'phone', type: 'text' },
    ]);
    expect(result.sql).toHaveLength(2);
    expect(contexts).toContain('describe_data');
    expect(audit.filter((entry) => entry.kind === 'sql' && entry.tool === 'describe_data')).toHaveLength(2);
  });

  it('validates the input with the zod schema before running', async () => {
    const describeData = toLangChainTools(TOOLS, contextFor).find((tool) => tool.name === 'describe_data')!;
    await expect(describeData.invoke({ subject: 42 } as never)).rejects.toBeInstanceOf(
      ToolInputParsingException,
    );
    const [echo] = toLangChainTools([echoTool], contextFor);
    await expect(echo!.invoke({ word: 'x' } as never)).rejects.toThrow(
      /Received tool input did not match expected schema/,
    );
  });

  it('passes the parsed input (defaults applied) and the factory context to run', async () => {
    const [echo] = toLangChainTools([echoTool], contextFor);
    expect(JSON.parse((await echo!.invoke({ word: 'hi' })) as string)).toEqual({
      sql: [],
      echoed: 'hi',
      now: '2026-11-24T12:00:00.000Z',
    });
    expect(JSON.parse((await echo!.invoke({ word: 'hi', times: 3 })) as string)).toMatchObject({
      echoed: 'hihihi',
    });
  });

  it('returns errors the caller can fix as JSON and throws system failures', async () => {
    const describeData = toLangChainTools(TOOLS, contextFor).find((tool) => tool.name === 'describe_data')!;
    const output = JSON.parse((await describeData.invoke({ subject: 'userz' })) as string) as {
      error: { code: string; message: string };
    };
    expect(output.error.code).toBe('subject_unknown');
    expect(output.error.message).toMatch(
      /^Unknown metric, dimension or table 'userz'\. Did you mean 'users'\?/,
    );
    // A system failure (here a capability that is not built) is thrown, not turned into data.
    const unbuilt = defineTool({
      name: 'describe_data',
      description: 'a tool whose backend is missing',
      input: z.object({}),
      async run(): Promise<ToolResultBase> {
        throw new NotAvailableError('This capability');
      },
    });
    const [failing] = toLangChainTools({ describe_data: unbuilt as unknown as Tool }, contextFor);
    await expect(failing!.invoke({})).rejects.toBeInstanceOf(NotAvailableError);
  });

  it('leaves out tools the user may not use', () => {
    const tools = toLangChainTools(TOOLS, contextFor, {
      allowedTools: (name) => !['user_profile', 'anomaly_scan'].includes(name),
    });
    expect(tools.map((tool) => tool.name)).not.toContain('user_profile');
    expect(tools.map((tool) => tool.name)).not.toContain('anomaly_scan');
    expect(tools).toHaveLength(Object.keys(TOOLS).length - 2);
  });
});
