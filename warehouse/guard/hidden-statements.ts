/**
 * Statements hidden where the parser does not execute them: in comments (`SELECT 1 /* ; DROP TABLE
 * users *\/`) and in string literals that carry an injection payload (`'BTC''; DROP TABLE trades; --'`).
 * They cannot run as written, but they are the signature of an attack, so the guard refuses them and
 * says why. Both checks run the real parser on the suspicious text instead of matching patterns.
 */
import { statementWord, withArticle } from './allow-lists.js';
import { nodeOf, nodeType, objectField, parseStatements, scanTokens } from './parser.js';

/** Thrown when a statement has more suspicious text than the guard is willing to parse. */
export class ParseBudgetExceeded extends Error {}

/**
 * How many extra parses the hidden-statement checks may spend on one statement. Each costs ~0.1 ms, so
 * a 20 kB input full of `;` or quotes would otherwise cost the guard a second.
 */
export class ParseBudget {
  constructor(private remaining: number) {}

  spend(): void {
    if (--this.remaining < 0) throw new ParseBudgetExceeded('too many comments and literals to check');
  }
}

/**
 * The word of a non-trivial statement hidden in a comment of `sql` ('DROP', 'DELETE', …), or undefined.
 * A comment that merely reads like a query (`-- select the top users`) is fine; one that parses as a
 * statement other than SELECT, or that chains statements with `;`, is not.
 */
export function hiddenStatementInComments(sql: string, budget: ParseBudget): string | undefined {
  let tokens: ReturnType<typeof scanTokens>;
  try {
    tokens = scanTokens(sql);
  } catch {
    return undefined; // the statement itself parsed, so the scanner failing here says nothing new
  }
  for (const token of tokens) {
    if (token.tokenName !== 'C_COMMENT' && token.tokenName !== 'SQL_COMMENT') continue;
    // Nested block comments are legal in PostgreSQL: drop every marker, not just the outer pair.
    const body =
      token.tokenName === 'C_COMMENT'
        ? token.text.split('/*').join('  ').split('*/').join('  ')
        : token.text.slice(2);
    const hidden = hiddenStatement(plainSpaces(body), budget);
    if (hidden) return hidden;
  }
  return undefined;
}

/**
 * Why a string literal's content is an injection payload, or undefined. Two signatures: a `;` followed
 * by something that parses as a statement, and a quote that, pasted raw between quotes the way a naive
 * string-building client would, closes the literal and changes the query.
 */
export function hiddenStatementInString(text: string, budget: ParseBudget): string | undefined {
  if (text.includes(';')) {
    const hidden = hiddenStatement(text, budget);
    if (hidden) return `a string literal hides ${withArticle(hidden)} statement`;
  }
  const quoted = plainQuotes(text);
  if (quoted.includes("'") && breaksOutOfLiteral(quoted, budget)) {
    return 'a string literal contains an injection payload (a quote that ends the string early)';
  }
  return undefined;
}

/**
 * Unicode spaces and line separators (U+2028, NBSP, …) become plain spaces: a client or log viewer that
 * treats them as line breaks would end a `--` comment there, so the text after them counts as code.
 */
function plainSpaces(text: string): string {
  let result = '';
  for (const character of text) {
    result += character.charCodeAt(0) > 127 && character.trim() === '' ? ' ' : character;
  }
  return result;
}

/** Quote look-alikes (’ ‘ ′ ＇ ʼ) become `'`: systems that normalise them would turn them into real quotes. */
function plainQuotes(text: string): string {
  let result = '';
  for (const character of text) result += QUOTE_LOOKALIKES.has(character) ? "'" : character;
  return result;
}

const QUOTE_LOOKALIKES: ReadonlySet<string> = new Set([
  '\u2018',
  '\u2019',
  '\u201b',
  '\u2032',
  '\uff07',
  '\u02bc',
]);

function hiddenStatement(text: string, budget: ParseBudget): string | undefined {
  const segments = text.split(';');
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    if (segment.trim() === '') continue;
    budget.spend();
    let statements: ReturnType<typeof parseStatements>;
    try {
      statements = parseStatements(segment);
    } catch {
      continue;
    }
    // One word that happens to be a statement (`-- end`, `'fees; begin'`) is prose, not a payload.
    if (statements.length === 0 || wordCount(segment) < 2) continue;
    for (const statement of statements) {
      const type = nodeType(statement.stmt) ?? 'unknown';
      // The first segment may read like a SELECT (prose in a comment); anything after a `;` is a chained statement.
      if (index > 0 || type !== 'SelectStmt') return statementWord(type === 'SelectStmt' ? 'SELECT' : type);
    }
  }
  return undefined;
}

function wordCount(text: string): number {
  try {
    return scanTokens(text).filter(
      (token) => token.tokenName !== 'C_COMMENT' && token.tokenName !== 'SQL_COMMENT',
    ).length;
  } catch {
    return 0;
  }
}

function breaksOutOfLiteral(text: string, budget: ParseBudget): boolean {
  budget.spend();
  let statements: ReturnType<typeof parseStatements>;
  try {
    statements = parseStatements(`SELECT 1 WHERE x = '${text}'`);
  } catch {
    return false; // pasted raw it does not even parse: a quote in prose (O'Brien), not a payload
  }
  if (statements.length !== 1) return true;
  const where = nodeOf(nodeOf(statements[0]!.stmt, 'SelectStmt')?.['whereClause'], 'A_Expr');
  const right = objectField(nodeOf(where?.['rexpr'], 'A_Const'), 'sval')?.['sval'];
  // Doubled quotes pasted raw still make one literal; anything else (a comment eating the rest, an OR) broke out.
  return right !== text.replaceAll("''", "'");
}
