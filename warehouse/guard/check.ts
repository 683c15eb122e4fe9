/**
 * The SQL guard: decides whether a statement from a person or an LLM may run against the warehouse.
 *
 * It parses with PostgreSQL's own parser and walks every node of the tree. Node types, functions,
 * types, tables and (per role) columns are checked against allow-lists, so a construct the guard does
 * not know is refused rather than overlooked. An allowed statement comes back with a `LIMIT` injected
 * or lowered, re-parsed to prove the rewrite is still one plain SELECT.
 */
import {
  ALLOWED_NODE_TYPES,
  ALLOWED_SAMPLE_METHODS,
  ALLOWED_SQL_VALUE_FUNCTIONS,
  ALLOWED_TYPES,
  SYSTEM_COLUMNS,
  statementWord,
  statementWordOf,
  withArticle,
} from './allow-lists.js';
import {
  hiddenStatementInComments,
  hiddenStatementInString,
  ParseBudget,
  ParseBudgetExceeded,
} from './hidden-statements.js';
import { limitStatement } from './limit.js';
import {
  type AstObject,
  listField,
  namesOf,
  nodeOf,
  nodeType,
  objectField,
  type ParsedStatement,
  parseStatements,
  quoteForDisplay,
  scanTokens,
  stringValue,
} from './parser.js';
import type { GuardPolicy, GuardTable } from './policy.js';
import { estimateSeriesRows } from './series.js';

/** The guard's answer for one statement. */
export type GuardVerdict = AllowedVerdict | DeniedVerdict;

/** The statement may run: `sql` is what to execute (with its `LIMIT` injected or capped). */
export interface AllowedVerdict {
  readonly allowed: true;
  /** The statement to run: the input's single statement with `LIMIT` injected or lowered to the cap. */
  readonly sql: string;
  /** Warehouse tables it reads, sorted (`trades`, or `schema.table` outside `public`). */
  readonly tables: readonly string[];
  /** The row limit the statement now carries. */
  readonly limit: number;
}

/** The statement may not run; `reason` is short, human and specific, `code` is stable. */
export interface DeniedVerdict {
  readonly allowed: false;
  readonly reason: string;
  readonly code: GuardDenialCode;
}

/** Stable codes of denials (audit log, tests, metrics). */
export type GuardDenialCode =
  | 'sql_empty'
  | 'sql_too_long'
  | 'sql_invalid_character'
  | 'sql_parse_error'
  | 'sql_too_deep'
  | 'sql_multiple_statements'
  | 'sql_not_select'
  | 'sql_select_into'
  | 'sql_locking_clause'
  | 'sql_cte_not_select'
  | 'sql_construct_not_allowed'
  | 'sql_table_not_allowed'
  | 'sql_column_not_allowed'
  | 'sql_function_not_allowed'
  | 'sql_operator_not_allowed'
  | 'sql_type_not_allowed'
  | 'sql_unknown_name'
  | 'sql_parameter_not_allowed'
  | 'sql_hidden_statement'
  | 'sql_tautology'
  | 'sql_injection_signature'
  | 'sql_resource_limit'
  | 'sql_guard_error';

/** Thrown inside the walk and turned into a {@link DeniedVerdict}; never escapes {@link checkSql}. */
class Denial {
  constructor(
    readonly code: GuardDenialCode,
    readonly reason: string,
  ) {}
}

function deny(code: GuardDenialCode, reason: string): never {
  throw new Denial(code, reason);
}

/**
 * Checks one statement against a policy. Never throws: every failure, including a bug in the guard,
 * becomes a denial.
 *
 * @example
 * const verdict = checkSql('SELECT asset, sum(notional_usd) FROM trades GROUP BY asset', createGuardPolicy());
 * // { allowed: true, sql: 'SELECT asset, … GROUP BY asset\nLIMIT 1000', tables: ['trades'], limit: 1000 }
 * checkSql('SELECT pg_sleep(10)', createGuardPolicy());
 * // { allowed: false, code: 'sql_function_not_allowed', reason: 'function pg_sleep is not allowed' }
 */
export function checkSql(sql: string, policy: GuardPolicy): GuardVerdict {
  try {
    return check(sql, policy);
  } catch (error) {
    if (error instanceof Denial) return { allowed: false, code: error.code, reason: error.reason };
    if (error instanceof ParseBudgetExceeded) {
      return {
        allowed: false,
        code: 'sql_resource_limit',
        reason: `the statement has too many comments and quoted strings to check (max ${HIDDEN_CHECK_BUDGET} checks)`,
      };
    }
    if (error instanceof RangeError) {
      return { allowed: false, code: 'sql_too_deep', reason: 'the statement is nested too deeply' };
    }
    return { allowed: false, code: 'sql_guard_error', reason: 'the statement could not be checked' };
  }
}

function check(sql: string, policy: GuardPolicy): GuardVerdict {
  if (typeof sql !== 'string') deny('sql_empty', 'the statement is empty');
  if (sql.length > policy.maxInputLength) {
    deny(
      'sql_too_long',
      `the statement is too long (${sql.length} characters, max ${policy.maxInputLength})`,
    );
  }
  // The parser reads a C string: it would stop at a NUL while the database got the whole text.
  if (sql.includes('\u0000')) deny('sql_invalid_character', 'the statement contains a NUL character');
  const invisible = invisibleCharacter(sql);
  if (invisible) {
    deny(
      'sql_invalid_character',
      `the statement contains an invisible or bidirectional control character (${invisible})`,
    );
  }
  if (parenthesisDepth(sql) > MAX_PARENTHESIS_DEPTH)
    deny('sql_too_deep', 'the statement is nested too deeply');
  const statements = parse(sql);
  if (statements.length === 0) deny('sql_empty', 'the statement is empty');
  if (statements.length > 1) deny('sql_multiple_statements', 'multiple statements are not allowed');
  const statement = statements[0]!;
  if (nodeType(statement.stmt) !== 'SelectStmt') {
    deny('sql_not_select', `only SELECT statements are allowed (got ${statementWordOf(statement.stmt)})`);
  }
  const budget = new ParseBudget(HIDDEN_CHECK_BUDGET);
  if (sql.includes('--') || sql.includes('/*')) {
    const hidden = hiddenStatementInComments(sql, budget);
    if (hidden) deny('sql_hidden_statement', `a comment hides ${withArticle(hidden)} statement`);
  }
  const walker = new Walker(policy, budget);
  walker.visit(statement.stmt, undefined, undefined, 0);
  const limited = limitStatement(sql, statement, policy.maxRows);
  verifyLimited(limited.sql, policy.maxRows);
  return { allowed: true, sql: limited.sql, tables: [...walker.tables].sort(), limit: limited.limit };
}

const MAX_PARENTHESIS_DEPTH = 64;

/** Extra parses the comment and string-literal checks may spend per statement. */
const HIDDEN_CHECK_BUDGET = 48;

/**
 * Zero-width and bidirectional control characters ("Trojan Source"): they make a statement read
 * differently from how it parses, and no analyst query needs them. Returns the first one as U+XXXX.
 */
function invisibleCharacter(sql: string): string | undefined {
  for (let index = 0; index < sql.length; index++) {
    const code = sql.charCodeAt(index);
    if (
      (code >= 0x200b && code <= 0x200f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2060 && code <= 0x2064) ||
      (code >= 0x2066 && code <= 0x2069) ||
      code === 0xfeff ||
      code === 0x00ad
    ) {
      return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return undefined;
}

/**
 * The deepest nesting of parentheses, counted on the scanner's tokens so that parentheses inside strings
 * and comments do not count. A cheap character count decides first whether scanning is needed at all.
 */
function parenthesisDepth(sql: string): number {
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < sql.length; index++) {
    const code = sql.charCodeAt(index);
    if (code === 40) deepest = Math.max(deepest, ++depth);
    else if (code === 41) depth--;
  }
  if (deepest <= MAX_PARENTHESIS_DEPTH) return deepest;
  let tokens: ReturnType<typeof scanTokens>;
  try {
    tokens = scanTokens(sql);
  } catch {
    return deepest; // unterminated literal: the parser will refuse it anyway
  }
  depth = 0;
  deepest = 0;
  for (const token of tokens) {
    if (token.text === '(') deepest = Math.max(deepest, ++depth);
    else if (token.text === ')') depth--;
  }
  return deepest;
}

function parse(sql: string): ParsedStatement[] {
  try {
    return parseStatements(sql);
  } catch (error) {
    if (error instanceof RangeError) deny('sql_too_deep', 'the statement is nested too deeply');
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('memory exhausted') || message.includes('stack depth')) {
      deny('sql_too_deep', 'the statement is nested too deeply');
    }
    deny('sql_parse_error', `the statement does not parse: ${message.slice(0, 160)}`);
  }
}

/** The rewrite must still be exactly one SELECT whose top-level limit is a constant within the cap. */
function verifyLimited(sql: string, maxRows: number): void {
  const statements = parse(sql);
  const select = statements.length === 1 ? nodeOf(statements[0]!.stmt, 'SelectStmt') : undefined;
  const count = nodeOf(select?.['limitCount'], 'A_Const');
  const value = objectField(count, 'ival')?.['ival'] ?? 0;
  if (
    select?.['limitOption'] !== 'LIMIT_OPTION_COUNT' ||
    !count ||
    typeof value !== 'number' ||
    value > maxRows ||
    select['intoClause'] !== undefined ||
    listField(select, 'lockingClause').length > 0
  ) {
    deny('sql_guard_error', 'the statement could not be limited safely');
  }
}

/** A FROM item as far as column checks need to know it. */
type Source =
  | { readonly kind: 'table'; readonly key: string; readonly display: string; readonly table: GuardTable }
  | { readonly kind: 'derived' }
  | {
      readonly kind: 'join';
      readonly members: readonly Source[];
      /** The tables and subqueries under the join, computed once (joins nest as deep as they are long). */
      readonly leaves: readonly Source[];
    };

/** The FROM items of one SELECT level, and the level around it (correlated subqueries). */
interface Scope {
  readonly names: Map<string, Source[]>;
  /** Leaf items (tables, subqueries, functions), for `*` and unqualified columns. */
  readonly sources: Source[];
  readonly parent: Scope | undefined;
}

/** CTE names visible at a point of the tree. */
interface CteScope {
  readonly names: ReadonlySet<string>;
  readonly parent: CteScope | undefined;
}

const DERIVED: Source = { kind: 'derived' };

const LOCK_WORDS: Readonly<Record<string, string>> = {
  LCS_FORUPDATE: 'FOR UPDATE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
};

/** The generic walk: every object and array of the tree is visited; named node types get extra checks. */
class Walker {
  readonly tables = new Set<string>();
  private seriesRows = 1;

  constructor(
    private readonly policy: GuardPolicy,
    private readonly budget: ParseBudget,
  ) {}

  visit(value: unknown, scope: Scope | undefined, ctes: CteScope | undefined, depth: number): void {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item, scope, ctes, depth);
      return;
    }
    const type = nodeType(value);
    if (type === undefined) {
      // A struct inlined in its parent (alias, window definition, …). A relation can only be read through
      // a wrapped RangeVar in a FROM clause; an inline one means a construct the guard does not handle.
      if ('relname' in value)
        deny('sql_construct_not_allowed', 'this kind of table reference is not allowed');
      this.visitFields(value as AstObject, scope, ctes, depth);
      return;
    }
    if (depth >= this.policy.maxDepth) deny('sql_too_deep', 'the statement is nested too deeply');
    if (!ALLOWED_NODE_TYPES.has(type)) denyNodeType(type);
    const node = (value as AstObject)[type] as AstObject;
    const next = depth + 1;
    switch (type) {
      case 'SelectStmt':
        this.visitSelect(node, scope, ctes, next);
        return;
      case 'ColumnRef':
        this.checkColumnRef(node, scope);
        return;
      case 'A_Indirection':
        this.visitIndirection(node, scope, ctes, next);
        return;
      case 'FuncCall':
        this.checkFunction(node);
        break;
      case 'TypeName':
        checkTypeName(node);
        break;
      case 'SQLValueFunction':
        checkSqlValueFunction(node);
        break;
      case 'A_Expr':
        checkOperator(listField(node, 'name'));
        break;
      case 'SubLink':
        checkOperator(listField(node, 'operName'));
        break;
      case 'SortBy':
        checkOperator(listField(node, 'useOp'));
        break;
      case 'BoolExpr':
        checkTautology(node);
        break;
      case 'A_Const':
        checkConstant(node, this.budget);
        return;
      case 'RangeVar':
      case 'RangeSubselect':
      case 'RangeFunction':
      case 'RangeTableSample':
      case 'JoinExpr':
      case 'WithClause':
      case 'CommonTableExpr':
        // These only occur where visitSelect handles them; anywhere else is a tree the guard does not know.
        deny('sql_construct_not_allowed', `${type} is not allowed here`);
    }
    this.visitFields(node, scope, ctes, next);
  }

  private visitFields(
    node: AstObject,
    scope: Scope | undefined,
    ctes: CteScope | undefined,
    depth: number,
    skip?: ReadonlySet<string>,
  ): void {
    for (const key in node) {
      if (skip?.has(key)) continue;
      const child = node[key];
      if (child === null || typeof child !== 'object') continue;
      if (key === 'typeName') checkTypeName(child as AstObject);
      this.visit(child, scope, ctes, depth);
    }
  }

  private visitSelect(
    select: AstObject,
    scope: Scope | undefined,
    ctes: CteScope | undefined,
    depth: number,
  ): void {
    if (depth >= this.policy.maxDepth) deny('sql_too_deep', 'the statement is nested too deeply');
    if (select['intoClause'] !== undefined) deny('sql_select_into', 'SELECT … INTO is not allowed');
    const locking = listField(select, 'lockingClause');
    if (locking.length > 0) {
      const strength = String(nodeOf(locking[0], 'LockingClause')?.['strength'] ?? '');
      deny('sql_locking_clause', `locking clauses (${LOCK_WORDS[strength] ?? 'FOR UPDATE'}) are not allowed`);
    }
    const withClause = objectField(select, 'withClause');
    const innerCtes = withClause ? this.visitWith(withClause, scope, ctes, depth) : ctes;
    const operation = select['op'];
    if (operation !== undefined && operation !== 'SETOP_NONE') {
      for (const key of ['larg', 'rarg']) {
        const branch = objectField(select, key);
        if (!branch) deny('sql_construct_not_allowed', 'an incomplete set operation is not allowed');
        checkProbingBranch(branch);
        this.visitSelect(branch, scope, innerCtes, depth + 1);
      }
      // ORDER BY / LIMIT of a set operation refer to its output columns, not to any FROM item.
      const outputScope: Scope = { names: new Map(), sources: [], parent: scope };
      this.visitFields(select, outputScope, innerCtes, depth, SELECT_HANDLED);
      return;
    }
    const fromScope: Scope = { names: new Map(), sources: [], parent: scope };
    const fromItems = listField(select, 'fromClause');
    for (const item of fromItems) this.registerFrom(item, fromScope, innerCtes, depth);
    for (const item of fromItems) this.visitFromContents(item, fromScope, innerCtes, depth);
    this.visitFields(select, fromScope, innerCtes, depth, SELECT_FROM_HANDLED);
    this.visitSortClause(select, fromScope, innerCtes, depth);
  }

  /** In ORDER BY a bare name that is an output column's alias means that output column (PostgreSQL's rule). */
  private visitSortClause(select: AstObject, scope: Scope, ctes: CteScope | undefined, depth: number): void {
    const outputNames = new Set<string>();
    for (const target of listField(select, 'targetList')) {
      const name = nodeOf(target, 'ResTarget')?.['name'];
      if (typeof name === 'string') outputNames.add(name);
    }
    const targets = listField(select, 'targetList');
    for (const item of listField(select, 'sortClause')) {
      const sortBy = nodeOf(item, 'SortBy');
      const position = objectField(nodeOf(sortBy?.['node'], 'A_Const'), 'ival')?.['ival'];
      if (typeof position === 'number' && position > targets.length && !targets.some(expandsStar)) {
        // `ORDER BY 10` past the output columns only ever fails; it is how injections count columns.
        deny(
          'sql_injection_signature',
          `ORDER BY ${position} is not an output column (the statement has ${targets.length})`,
        );
      }
      const fields = listField(nodeOf(sortBy?.['node'], 'ColumnRef'), 'fields');
      const name = fields.length === 1 ? stringValue(fields[0]) : undefined;
      if (sortBy && name !== undefined && outputNames.has(name)) {
        checkOperator(listField(sortBy, 'useOp'));
        continue;
      }
      this.visit(item, scope, ctes, depth);
    }
  }

  private visitWith(
    withClause: AstObject,
    scope: Scope | undefined,
    ctes: CteScope | undefined,
    depth: number,
  ): CteScope {
    const recursive = withClause['recursive'] === true;
    const entries = listField(withClause, 'ctes').map((entry) => {
      const cte = nodeOf(entry, 'CommonTableExpr');
      if (!cte) deny('sql_construct_not_allowed', 'this WITH clause is not allowed');
      return cte;
    });
    const allNames = new Set(entries.map((cte) => String(cte['ctename'] ?? '')));
    const earlier = new Set<string>();
    for (const cte of entries) {
      const name = String(cte['ctename'] ?? '');
      // A non-recursive CTE sees only the CTEs before it; a recursive WITH makes all of them visible.
      const visible: CteScope = { names: recursive ? allNames : new Set(earlier), parent: ctes };
      const query = cte['ctequery'];
      const queryType = nodeType(query);
      if (queryType !== 'SelectStmt') {
        deny(
          'sql_cte_not_select',
          `data-modifying CTEs are not allowed (got ${statementWordOf(query)} in ${quoteForDisplay(name)})`,
        );
      }
      const body = nodeOf(query, 'SelectStmt')!;
      if (recursive) checkRecursionBound(name, body);
      this.visitFields(cte, scope, visible, depth, CTE_HANDLED);
      this.visit(query, scope, visible, depth);
      earlier.add(name);
    }
    return { names: allNames, parent: ctes };
  }

  /** Registers the names a FROM item brings into scope and returns it as a {@link Source}. */
  private registerFrom(item: unknown, scope: Scope, ctes: CteScope | undefined, depth = 0): Source {
    if (depth >= this.policy.maxDepth) deny('sql_too_deep', 'the statement is nested too deeply');
    const type = nodeType(item);
    const node = type ? ((item as AstObject)[type] as AstObject) : undefined;
    if (!type || !node) return deny('sql_construct_not_allowed', 'this FROM item is not allowed');
    const alias = objectField(node, 'alias')?.['aliasname'];
    const aliasName = typeof alias === 'string' ? alias : undefined;
    const renamesColumns = listField(objectField(node, 'alias'), 'colnames').length > 0;
    switch (type) {
      case 'RangeVar': {
        const source = this.resolveRelation(node, ctes);
        if (renamesColumns) this.checkStar(source, renamePhrase);
        addName(scope, aliasName ?? String(node['relname'] ?? ''), source);
        scope.sources.push(source);
        return source;
      }
      case 'RangeTableSample': {
        const relation = nodeOf(node['relation'], 'RangeVar');
        if (!relation) deny('sql_construct_not_allowed', 'TABLESAMPLE is only allowed on a table');
        const method = namesOf(listField(node, 'method'));
        const methodName = method.length === 2 && method[0] === 'pg_catalog' ? method[1]! : method.join('.');
        if (!ALLOWED_SAMPLE_METHODS.has(methodName)) {
          deny('sql_function_not_allowed', `sampling method ${methodName} is not allowed`);
        }
        const source = this.resolveRelation(relation, ctes);
        if (listField(objectField(relation, 'alias'), 'colnames').length > 0) {
          this.checkStar(source, renamePhrase);
        }
        const relationAlias = objectField(relation, 'alias')?.['aliasname'];
        addName(
          scope,
          typeof relationAlias === 'string' ? relationAlias : String(relation['relname']),
          source,
        );
        scope.sources.push(source);
        return source;
      }
      case 'RangeSubselect': {
        if (aliasName) addName(scope, aliasName, DERIVED);
        scope.sources.push(DERIVED);
        return DERIVED;
      }
      case 'RangeFunction': {
        if (aliasName) addName(scope, aliasName, DERIVED);
        else {
          // Without an alias a function in FROM is named after itself (`FROM unnest(…)` → `unnest.x`).
          for (const entry of listField(node, 'functions')) {
            for (const item of listField(nodeOf(entry, 'List'), 'items')) {
              const names = namesOf(listField(nodeOf(item, 'FuncCall'), 'funcname'));
              const name = names[names.length - 1];
              if (name) addName(scope, name, DERIVED);
            }
          }
        }
        scope.sources.push(DERIVED);
        return DERIVED;
      }
      case 'JoinExpr': {
        const left = this.registerFrom(node['larg'], scope, ctes, depth + 1);
        const right = this.registerFrom(node['rarg'], scope, ctes, depth + 1);
        const join: Source = {
          kind: 'join',
          members: [left, right],
          leaves: [...leaves(left), ...leaves(right)],
        };
        // `(users JOIN …) AS j(a, b, …)` renames columns by position: a restricted column would hide behind a new name.
        if (renamesColumns) this.checkStar(join, renamePhrase);
        if (aliasName) addName(scope, aliasName, join);
        const usingAlias = objectField(node, 'join_using_alias')?.['aliasname'];
        if (typeof usingAlias === 'string') addName(scope, usingAlias, join);
        if (node['isNatural'] === true) this.checkNaturalJoin(join);
        for (const name of namesOf(listField(node, 'usingClause'))) {
          for (const leaf of leaves(join)) if (mayHave(leaf, name)) this.checkColumn(leaf, name);
        }
        return join;
      }
      default:
        return denyNodeType(type);
    }
  }

  /** Visits what a FROM item evaluates: subqueries, function arguments, join conditions, sample arguments. */
  private visitFromContents(item: unknown, scope: Scope, ctes: CteScope | undefined, depth: number): void {
    const type = nodeType(item);
    if (!type) return;
    if (depth >= this.policy.maxDepth) deny('sql_too_deep', 'the statement is nested too deeply');
    const node = (item as AstObject)[type] as AstObject;
    switch (type) {
      case 'RangeVar':
        this.visitFields(node, scope, ctes, depth + 1);
        return;
      case 'RangeTableSample':
        this.visitFields(node, scope, ctes, depth + 1, SAMPLE_HANDLED);
        return;
      case 'JoinExpr':
        this.visitFromContents(node['larg'], scope, ctes, depth + 1);
        this.visitFromContents(node['rarg'], scope, ctes, depth + 1);
        this.visitFields(node, scope, ctes, depth + 1, JOIN_HANDLED);
        return;
      default:
        // Subqueries and functions in FROM may be LATERAL; giving them the whole level is the cautious choice.
        this.visitFields(node, scope, ctes, depth + 1);
    }
  }

  private resolveRelation(relation: AstObject, ctes: CteScope | undefined): Source {
    const schema = typeof relation['schemaname'] === 'string' ? relation['schemaname'] : undefined;
    const name = String(relation['relname'] ?? '');
    const written = schema ? `${quoteForDisplay(schema)}.${quoteForDisplay(name)}` : quoteForDisplay(name);
    if (typeof relation['catalogname'] === 'string') {
      deny(
        'sql_table_not_allowed',
        `table ${quoteForDisplay(relation['catalogname'])}.${written} is not allowed`,
      );
    }
    if (!schema && cteVisible(name, ctes)) return DERIVED;
    const key = `${schema ?? 'public'}.${name}`;
    let table = this.policy.tables.get(key);
    if (!table) {
      const prefixed = this.policy.tablePrefixes.some(
        (entry) =>
          key.startsWith(`${entry.schema}.`) &&
          name.startsWith(entry.prefix) &&
          name.length > entry.prefix.length,
      );
      if (prefixed) table = {};
    }
    if (!table) deny('sql_table_not_allowed', `table ${written} is not allowed`);
    const display = key.startsWith('public.') ? name : key;
    this.tables.add(display);
    return { kind: 'table', key, display, table };
  }

  private checkColumnRef(node: AstObject, scope: Scope | undefined): void {
    const fields = listField(node, 'fields');
    const last = fields[fields.length - 1];
    const isStar = nodeType(last) === 'A_Star';
    const names = namesOf(isStar ? fields.slice(0, -1) : fields);
    if (isStar) {
      const sources = names.length === 0 ? (scope?.sources ?? []) : resolveKnownQualifier(names, scope);
      for (const source of sources) this.checkStar(source, starPhrase);
      return;
    }
    if (names.length === 0) deny('sql_construct_not_allowed', 'this column reference is not allowed');
    const column = names[names.length - 1]!;
    if (SYSTEM_COLUMNS.has(column)) deny('sql_column_not_allowed', `system column ${column} is not allowed`);
    if (names.length === 1) {
      this.checkUnqualified(column, scope);
      return;
    }
    for (const source of resolveKnownQualifier(names.slice(0, -1), scope)) this.checkColumn(source, column);
  }

  /** `(u).email`: a field of a whole-row reference is a column reference. */
  private visitIndirection(
    node: AstObject,
    scope: Scope | undefined,
    ctes: CteScope | undefined,
    depth: number,
  ): void {
    const reference = nodeOf(node['arg'], 'ColumnRef');
    const fields = listField(reference, 'fields');
    const indirection = listField(node, 'indirection');
    const first = indirection[0];
    const names = namesOf(fields);
    if (
      reference &&
      fields.length === 1 &&
      names[0] &&
      (stringValue(first) || nodeType(first) === 'A_Star')
    ) {
      const sources = resolveQualifier(names, scope);
      if (sources.length > 0) {
        const field = stringValue(first);
        for (const source of sources) {
          if (field) this.checkColumn(source, field);
          else this.checkStar(source, starPhrase);
        }
        this.checkUnqualified(names[0], scope);
        this.visit(indirection, scope, ctes, depth);
        return;
      }
    }
    this.visitFields(node, scope, ctes, depth);
  }

  /**
   * A bare name is a column of the innermost level that has one by that name; failing that, a FROM
   * item's name means its whole row (`SELECT u FROM users u`), which exposes every column.
   */
  private checkUnqualified(column: string, scope: Scope | undefined): void {
    for (let level = scope; level; level = level.parent) {
      let resolved = false;
      for (const source of level.sources) {
        if (!mayHave(source, column)) continue;
        this.checkColumn(source, column);
        if (source.kind === 'table' && source.table.columns?.has(column)) resolved = true;
      }
      // Only a table known to have the column stops the search; otherwise an outer level might supply it.
      if (resolved) return;
      const relations = level.names.get(column);
      if (relations) {
        for (const source of relations)
          this.checkStar(source, (table) => `the whole-row reference ${column} to ${table}`);
        return;
      }
    }
  }

  private checkColumn(source: Source, column: string): void {
    if (SYSTEM_COLUMNS.has(column)) deny('sql_column_not_allowed', `system column ${column} is not allowed`);
    if (source.kind === 'join') {
      for (const member of source.members) if (mayHave(member, column)) this.checkColumn(member, column);
      return;
    }
    if (source.kind !== 'table') return;
    if (source.table.columns && !source.table.columns.has(column)) {
      // PostgreSQL reads `u.name` for a column `name` that u lacks as the function call `name(u)` on the
      // whole row (`u.text` is the row as text), so an unknown column counts as a whole-row reference.
      this.checkStar(
        source,
        (table) => `${table}.${column}, which is not a column but ${column}(${table}) of the whole row,`,
      );
      return;
    }
    const roles = this.policy.restrictedColumns.get(`${source.key}.${column}`);
    if (roles && !roles.has(this.policy.role)) {
      deny(
        'sql_column_not_allowed',
        `column ${source.display}.${column} is not allowed for role ${this.policy.role}`,
      );
    }
  }

  /** Refuses a reference to every column of a table (`*`, a whole row, renamed columns) when some are restricted. */
  private checkStar(source: Source, phrase: (table: string) => string): void {
    if (source.kind === 'join') {
      for (const member of source.members) this.checkStar(member, phrase);
      return;
    }
    if (source.kind !== 'table') return;
    const hidden = this.restrictedColumnsOf(source.key);
    if (hidden.length > 0) {
      deny(
        'sql_column_not_allowed',
        `${phrase(source.display)} is not allowed for role ${this.policy.role} (it includes ${hidden.join(', ')}); list the columns you need`,
      );
    }
  }

  private checkNaturalJoin(join: Source): void {
    for (const leaf of leaves(join)) {
      if (leaf.kind === 'table' && this.restrictedColumnsOf(leaf.key).length > 0) {
        deny(
          'sql_column_not_allowed',
          `NATURAL JOIN with ${leaf.display} is not allowed for role ${this.policy.role}; join with ON or USING`,
        );
      }
    }
  }

  private restrictedColumnsOf(key: string): string[] {
    const prefix = `${key}.`;
    const hidden: string[] = [];
    for (const [name, roles] of this.policy.restrictedColumns) {
      if (name.startsWith(prefix) && !roles.has(this.policy.role)) hidden.push(name.slice(prefix.length));
    }
    return hidden;
  }

  private checkFunction(node: AstObject): void {
    const names = namesOf(listField(node, 'funcname'));
    const name =
      names.length === 1
        ? names[0]!
        : names.length === 2 && names[0] === 'pg_catalog'
          ? names[1]!
          : undefined;
    if (name === undefined || !this.policy.functions.has(name)) {
      deny('sql_function_not_allowed', `function ${names.map(quoteForDisplay).join('.')} is not allowed`);
    }
    const args = listField(node, 'args');
    if (name === 'generate_series') {
      const rows = estimateSeriesRows(args);
      if (rows !== undefined) {
        this.seriesRows *= Math.max(rows, 1);
        if (this.seriesRows > this.policy.maxSeriesRows) {
          deny(
            'sql_resource_limit',
            `generate_series would produce about ${formatCount(this.seriesRows)} rows (max ${formatCount(this.policy.maxSeriesRows)})`,
          );
        }
      }
    }
    if (name === 'lpad' || name === 'rpad') {
      const length = objectField(nodeOf(args[1], 'A_Const'), 'ival')?.['ival'];
      if (typeof length === 'number' && length > MAX_PAD_LENGTH) {
        deny(
          'sql_resource_limit',
          `${name} to ${formatCount(length)} characters is not allowed (max ${MAX_PAD_LENGTH})`,
        );
      }
    }
  }
}

const MAX_PAD_LENGTH = 10_000;

const starPhrase = (table: string): string => `SELECT * on ${table}`;
const renamePhrase = (table: string): string => `renaming the columns of ${table}`;

/** SelectStmt fields handled by visitSelect itself; every other field is walked generically. */
const SELECT_HANDLED: ReadonlySet<string> = new Set(['withClause', 'fromClause', 'larg', 'rarg']);
const SELECT_FROM_HANDLED: ReadonlySet<string> = new Set([...SELECT_HANDLED, 'sortClause']);
const CTE_HANDLED: ReadonlySet<string> = new Set(['ctequery']);
const JOIN_HANDLED: ReadonlySet<string> = new Set(['larg', 'rarg']);
const SAMPLE_HANDLED: ReadonlySet<string> = new Set(['relation', 'method']);

function addName(scope: Scope, name: string, source: Source): void {
  const list = scope.names.get(name);
  if (list) list.push(source);
  else scope.names.set(name, [source]);
}

function cteVisible(name: string, ctes: CteScope | undefined): boolean {
  for (let level = ctes; level; level = level.parent) if (level.names.has(name)) return true;
  return false;
}

/** The FROM items a qualifier (`u`, `users`, `public.users`) names, innermost level first. */
function resolveQualifier(parts: readonly string[], scope: Scope | undefined): readonly Source[] {
  const relation = parts[parts.length - 1] ?? '';
  const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  for (let level = scope; level; level = level.parent) {
    const found = level.names.get(relation);
    if (!found) continue;
    const matching = schema
      ? found.filter((source) => source.kind === 'table' && source.key === `${schema}.${relation}`)
      : found;
    if (matching.length > 0) return matching;
  }
  return [];
}

/**
 * Like {@link resolveQualifier}, but a qualifier that names nothing in scope is refused: PostgreSQL
 * rejects it too (`missing FROM-clause entry`), and refusing it keeps the guard's view and the
 * database's view of every name the same.
 */
function resolveKnownQualifier(parts: readonly string[], scope: Scope | undefined): readonly Source[] {
  const sources = resolveQualifier(parts, scope);
  if (sources.length === 0) {
    deny('sql_unknown_name', `${parts.map(quoteForDisplay).join('.')} is not a table or alias of this query`);
  }
  return sources;
}

function leaves(source: Source): readonly Source[] {
  return source.kind === 'join' ? source.leaves : [source];
}

function mayHave(source: Source, column: string): boolean {
  if (source.kind === 'table') return source.table.columns ? source.table.columns.has(column) : true;
  if (source.kind === 'join') return source.members.some((member) => mayHave(member, column));
  return false;
}

function denyNodeType(type: string): never {
  if (type.endsWith('Stmt')) {
    deny('sql_not_select', `only SELECT statements are allowed (got ${statementWord(type)})`);
  }
  if (type === 'ParamRef') deny('sql_parameter_not_allowed', 'parameters ($1) are not allowed');
  if (type === 'IntoClause') deny('sql_select_into', 'SELECT … INTO is not allowed');
  if (type === 'LockingClause') deny('sql_locking_clause', 'locking clauses (FOR UPDATE) are not allowed');
  if (type.startsWith('Xml')) deny('sql_construct_not_allowed', 'XML expressions are not allowed');
  if (type.startsWith('Json')) deny('sql_construct_not_allowed', 'SQL/JSON constructors are not allowed');
  deny('sql_construct_not_allowed', `${type} is not allowed`);
}

function checkTypeName(node: AstObject): void {
  const names = namesOf(listField(node, 'names'));
  const name =
    names.length === 1 ? names[0]! : names.length === 2 && names[0] === 'pg_catalog' ? names[1]! : undefined;
  if (name === undefined || !ALLOWED_TYPES.has(name) || node['setof'] === true || node['pct_type'] === true) {
    deny('sql_type_not_allowed', `type ${names.map(quoteForDisplay).join('.')} is not allowed`);
  }
}

function checkSqlValueFunction(node: AstObject): void {
  const operation = String(node['op'] ?? '');
  if (!ALLOWED_SQL_VALUE_FUNCTIONS.has(operation)) {
    const word = operation.replace('SVFOP_', '').toLowerCase();
    deny('sql_function_not_allowed', `${word} is not allowed`);
  }
}

function checkOperator(name: readonly unknown[]): void {
  if (name.length <= 1) return;
  const names = namesOf(name);
  if (names.length === 2 && names[0] === 'pg_catalog') return;
  deny('sql_operator_not_allowed', `operator ${names.join('.')} is not allowed`);
}

/** `… OR 1=1`: an OR branch without any column or subquery is the signature of an injection. */
function checkTautology(node: AstObject): void {
  if (node['boolop'] !== 'OR_EXPR') return;
  for (const argument of listField(node, 'args')) {
    if (isConstantExpression(argument)) {
      deny('sql_tautology', 'constant conditions in OR (such as OR 1=1) are not allowed');
    }
  }
}

function isConstantExpression(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(isConstantExpression);
  const type = nodeType(value);
  if (type === 'ColumnRef' || type === 'SubLink' || type === 'ParamRef') return false;
  for (const key in value as AstObject) {
    if (!isConstantExpression((value as AstObject)[key])) return false;
  }
  return true;
}

function checkConstant(node: AstObject, budget: ParseBudget): void {
  const text = objectField(node, 'sval')?.['sval'];
  if (typeof text !== 'string') return;
  const hidden = hiddenStatementInString(text, budget);
  if (hidden) deny('sql_hidden_statement', hidden);
}

/** A target that is `*` or `x.*` (its column count is not known from the tree). */
function expandsStar(target: unknown): boolean {
  const fields = listField(nodeOf(nodeOf(target, 'ResTarget')?.['val'], 'ColumnRef'), 'fields');
  return fields.length > 0 && nodeType(fields[fields.length - 1]) === 'A_Star';
}

/**
 * `UNION SELECT NULL, NULL, …` and `UNION SELECT 1, 2, 3`: a branch without FROM made only of NULLs or of
 * the numbers 1..n exists to count an injected query's columns, not to answer a question.
 */
function checkProbingBranch(branch: AstObject): void {
  if (branch['op'] !== undefined && branch['op'] !== 'SETOP_NONE') return;
  if (listField(branch, 'fromClause').length > 0 || branch['valuesLists'] !== undefined) return;
  const values = listField(branch, 'targetList').map((target) =>
    nodeOf(nodeOf(target, 'ResTarget')?.['val'], 'A_Const'),
  );
  if (values.length === 0 || values.some((value) => value === undefined)) return;
  const allNull = values.every((value) => value?.['isnull'] === true);
  const counting =
    values.length >= 2 &&
    values.every((value, index) => {
      const integer = objectField(value, 'ival');
      return integer !== undefined && (integer['ival'] ?? 0) === index + 1;
    });
  if (allNull || counting) {
    deny(
      'sql_injection_signature',
      'UNION branches of only NULLs or 1, 2, 3 … (column probing) are not allowed',
    );
  }
}

/** A recursive CTE whose recursive branch has no WHERE never stops on its own. */
function checkRecursionBound(name: string, body: AstObject): void {
  if (body['op'] === undefined || body['op'] === 'SETOP_NONE') return;
  const recursivePart = objectField(body, 'rarg');
  if (!recursivePart || !referencesRelation(recursivePart, name)) return;
  if (recursivePart['whereClause'] !== undefined || recursivePart['limitCount'] !== undefined) return;
  // UNION (without ALL) stops once no new rows appear, e.g. a walk over a finite transfer graph; UNION ALL
  // never does, and neither does a step that reads only the CTE itself (`SELECT n + 1 FROM r`).
  const from = listField(recursivePart, 'fromClause');
  const onlyItself = from.length === 1 && nodeOf(from[0], 'RangeVar')?.['relname'] === name;
  if (body['all'] === true || onlyItself) {
    deny(
      'sql_resource_limit',
      `recursive CTE ${quoteForDisplay(name)} needs a WHERE condition in its recursive part`,
    );
  }
}

function referencesRelation(value: unknown, name: string): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => referencesRelation(item, name));
  const relation = nodeOf(value, 'RangeVar');
  if (relation && relation['relname'] === name && relation['schemaname'] === undefined) return true;
  for (const key in value as AstObject) {
    if (referencesRelation((value as AstObject)[key], name)) return true;
  }
  return false;
}

function formatCount(value: number): string {
  return value >= 1e6 ? value.toExponential(1).replace('e+', 'e') : value.toLocaleString('en-US');
}
