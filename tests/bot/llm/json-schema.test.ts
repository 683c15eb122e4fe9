import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolParametersSchema } from '../../../bot/llm/index.js';
import { TOOLS } from '../../../tools/index.js';

describe('toolParametersSchema', () => {
  it('gives every registry tool an OpenAI-shaped object schema without $schema', () => {
    for (const tool of Object.values(TOOLS)) {
      const schema = toolParametersSchema(tool.input, tool.name);
      expect(schema['type'], tool.name).toBe('object');
      expect(schema, tool.name).not.toHaveProperty('$schema');
      expect(typeof schema['properties'], tool.name).toBe('object');
      expect(Array.isArray(schema['required']), tool.name).toBe(true);
      // No construct that OpenAI-compatible servers commonly reject is left anywhere.
      expect(JSON.stringify(schema), tool.name).not.toContain('propertyNames');
    }
  });

  it('keeps descriptions, enums and bounds, and leaves fields with defaults optional', () => {
    const schema = toolParametersSchema(
      z.object({
        user_id: z.number().int().positive().describe('Exchange user id. Example: 48213'),
        k: z.number().int().min(1).max(50).default(5),
        order: z.enum(['asc', 'desc']).optional(),
      }),
    );
    expect(schema).toEqual({
      type: 'object',
      properties: {
        user_id: {
          type: 'integer',
          exclusiveMinimum: 0,
          maximum: 9007199254740991,
          description: 'Exchange user id. Example: 48213',
        },
        k: { type: 'integer', minimum: 1, maximum: 50, default: 5 },
        order: { type: 'string', enum: ['asc', 'desc'] },
      },
      required: ['user_id'],
    });
  });

  it('adds empty properties and required to an empty object', () => {
    expect(toolParametersSchema(z.object({}))).toEqual({ type: 'object', properties: {}, required: [] });
  });

  it('writes records keyed by an enum as explicit properties', () => {
    const schema = toolParametersSchema(
      z.object({
        filters: z
          .partialRecord(z.enum(['asset', 'country']), z.union([z.string(), z.array(z.string())]))
          .optional(),
      }),
    );
    const value = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
    expect(schema['properties']).toEqual({
      filters: { type: 'object', properties: { asset: value, country: value }, additionalProperties: false },
    });
  });

  it('refuses a schema that is not an object, naming the tool', () => {
    expect(() => toolParametersSchema(z.string(), 'echo')).toThrow(
      'tools.echo.input: should be a zod object (z.object({...})): function parameters are JSON objects',
    );
  });
});
