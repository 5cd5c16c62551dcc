/**
 * A small evaluator for the GitHub Actions expression syntax the reference workflow uses: literals, context
 * paths (`steps.deploy.outputs.record`, `needs.deploy.result`, `inputs.reason`), `!`, `==`, `!=`, `&&`, `||`,
 * parentheses and the status functions success(), failure(), always(), cancelled(). Like Actions, `&&`/`||`
 * return operands (not booleans) and string comparison ignores case.
 */
export type Context = Record<string, unknown>;

export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

type Token = { kind: 'op' | 'string' | 'number' | 'name' | 'paren'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(==|!=|&&|\|\||!|\(|\)|,)|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w-]*(?:\.[\w-]+|\[[^\]]+\])*))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(source);
    if (!match) throw new Error(`cannot read expression at "${source.slice(at)}"`);
    at = pattern.lastIndex;
    if (match[1] !== undefined)
      tokens.push({ kind: match[1] === '(' || match[1] === ')' ? 'paren' : 'op', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: 'string', text: match[2].replace(/''/g, "'") });
    else if (match[3] !== undefined) tokens.push({ kind: 'number', text: match[3] });
    else tokens.push({ kind: 'name', text: match[4] ?? '' });
  }
  return tokens;
}

function lookup(context: Context, path: string): unknown {
  const parts = path.match(/[\w-]+|\[[^\]]+\]/g) ?? [];
  let value: unknown = context;
  for (const part of parts) {
    const key = part.startsWith('[') ? part.slice(1, -1).replace(/^'|'$/g, '') : part;
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

export function truthy(value: unknown): boolean {
  return !(value === undefined || value === null || value === false || value === '' || value === 0);
}

function equal(left: unknown, right: unknown): boolean {
  if (typeof left === 'string' && typeof right === 'string')
    return left.toLowerCase() === right.toLowerCase();
  if (typeof left === 'boolean' || typeof right === 'boolean') return truthy(left) === truthy(right);
  return (left ?? '') === (right ?? '');
}

/** Evaluates one expression (the text inside `${{ }}`). */
export function evaluate(source: string, context: Context, status: StatusFunctions): unknown {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];

  const primary = (): unknown => {
    const token = next();
    if (!token) throw new Error(`unexpected end of expression "${source}"`);
    if (token.kind === 'paren' && token.text === '(') {
      const value = or();
      next();
      return value;
    }
    if (token.kind === 'op' && token.text === '!') return !truthy(primary());
    if (token.kind === 'string') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (token.text === 'true' || token.text === 'false') return token.text === 'true';
    if (token.text === 'null') return null;
    if (peek()?.text === '(') {
      next();
      next();
      if (token.text === 'success') return status.success();
      if (token.text === 'failure') return status.failure();
      if (token.text === 'cancelled') return status.cancelled();
      if (token.text === 'always') return true;
      throw new Error(`unsupported function ${token.text}() in "${source}"`);
    }
    return lookup(context, token.text);
  };
  const comparison = (): unknown => {
    let left = primary();
    for (let op = peek()?.text; op === '==' || op === '!='; op = peek()?.text) {
      next();
      const right = primary();
      left = op === '==' ? equal(left, right) : !equal(left, right);
    }
    return left;
  };
  const and = (): unknown => {
    let left = comparison();
    while (peek()?.text === '&&') {
      next();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): unknown => {
    let left = and();
    while (peek()?.text === '||') {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  const extra = tokens[position];
  if (extra) throw new Error(`unexpected "${extra.text}" in "${source}"`);
  return value;
}

/** True when a job or step `if:` calls a status function itself (otherwise Actions adds `success() &&`). */
export function usesStatusFunction(condition: string): boolean {
  return /\b(success|failure|always|cancelled)\s*\(/.test(condition);
}

/** Replaces every `${{ ... }}` in a string; objects are rendered as JSON, undefined as ''. */
export function interpolate(text: string, context: Context, status: StatusFunctions): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => {
    const value = evaluate(expression.trim(), context, status);
    if (value === undefined || value === null) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/** Evaluates an `if:` condition the way the runner does (implicit success() unless a status function is used). */
export function condition(
  text: string | boolean | undefined,
  context: Context,
  status: StatusFunctions,
): boolean {
  if (text === undefined) return status.success();
  if (typeof text === 'boolean') return text && status.success();
  const expression = text
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
    .trim();
  const value = truthy(evaluate(expression, context, status));
  return usesStatusFunction(expression) ? value : value && status.success();
}
