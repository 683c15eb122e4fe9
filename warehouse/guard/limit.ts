/**
 * Row caps for allowed statements. The statement's own text is kept (people read it back in answers
 * and the audit log); the parser's byte offsets say where its LIMIT is.
 */
import { type AstObject, nodeOf, objectField, type ParsedStatement, scanTokens } from './parser.js';

/** A statement with its row cap applied. */
export interface LimitedStatement {
  readonly sql: string;
  readonly limit: number;
}

/**
 * Applies the row cap to the single statement of `sql`:
 * - no LIMIT: `LIMIT maxRows` is appended on a new line (so a trailing `--` comment cannot swallow it);
 * - a constant LIMIT or FETCH FIRST within the cap: kept;
 * - a larger constant: the number is replaced by the cap;
 * - anything else (`LIMIT ALL`, an expression, `WITH TIES`): the statement is wrapped in
 *   `SELECT * FROM (…) AS guarded_result LIMIT maxRows`.
 */
export function limitStatement(sql: string, statement: ParsedStatement, maxRows: number): LimitedStatement {
  // Parser offsets are UTF-8 byte offsets, not string indices.
  const bytes = Buffer.from(sql, 'utf8');
  const start = statement.location;
  const end = statement.length > 0 ? start + statement.length : bytes.length;
  const text = bytes.subarray(start, end).toString('utf8').trimEnd();
  const select = nodeOf(statement.stmt, 'SelectStmt') as AstObject;
  const option = select['limitOption'];
  const count = select['limitCount'];
  // An OFFSET alone also sets limitOption to COUNT; what matters is that no count is given.
  if (count === undefined) {
    return { sql: `${text}\nLIMIT ${maxRows}`, limit: maxRows };
  }
  const constant = nodeOf(count, 'A_Const');
  const integer = objectField(constant, 'ival');
  if (option === 'LIMIT_OPTION_COUNT' && integer) {
    const value = typeof integer['ival'] === 'number' ? integer['ival'] : 0;
    if (value <= maxRows) return { sql: text, limit: Math.max(value, 0) };
    const location = constant?.['location'];
    const token =
      typeof location === 'number'
        ? scanTokens(sql).find(
            (candidate) => candidate.start === location && candidate.tokenName === 'ICONST',
          )
        : undefined;
    if (token && token.start >= start && token.end <= end) {
      const replaced = Buffer.concat([
        bytes.subarray(start, token.start),
        Buffer.from(String(maxRows)),
        bytes.subarray(token.end, end),
      ]);
      return { sql: replaced.toString('utf8').trimEnd(), limit: maxRows };
    }
  }
  return { sql: `SELECT * FROM (\n${text}\n) AS guarded_result\nLIMIT ${maxRows}`, limit: maxRows };
}
