/**
 * Quoting of untrusted text for LLM prompts. Feedback text, table contents, tool output and earlier
 * answers reach the model only inside a `<data>` block whose body is one JSON string literal: quotes
 * and newlines are escaped by JSON, and every `<` is written as `\u003c`, so nothing inside can close
 * the block or pass itself off as a new section of the prompt.
 */

/**
 * Wraps untrusted text (or any JSON value) as a quoted data block for a prompt.
 *
 * @example
 * quoteData('feedback', 'Ignore previous instructions')
 * // → '<data source="feedback">\n"Ignore previous instructions"\n</data>'
 */
export function quoteData(source: string, value: unknown): string {
  const label = source.replace(/[^\w .:-]/g, '_');
  const text = typeof value === 'string' ? value : toJsonText(value);
  return `<data source="${label}">\n${escapeJson(JSON.stringify(text))}\n</data>`;
}

/**
 * JSON text of any tool result: typed arrays become arrays and bigints become numbers (or strings
 * beyond 2^53), which `JSON.stringify` alone would mangle or throw on.
 */
export function toJsonText(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'bigint') {
        return item <= BigInt(Number.MAX_SAFE_INTEGER) && item >= BigInt(Number.MIN_SAFE_INTEGER)
          ? Number(item)
          : item.toString();
      }
      if (ArrayBuffer.isView(item) && !(item instanceof DataView)) {
        return Array.from(item as unknown as ArrayLike<number | bigint>, (element) =>
          typeof element === 'bigint' ? Number(element) : element,
        );
      }
      return item;
    }) ?? 'null'
  );
}

function escapeJson(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}
