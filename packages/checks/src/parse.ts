import { readFile } from 'node:fs/promises';
import { MAX_DOCUMENT_CHARS } from '@lambda-release-kit/core/document';
import { isAlias, isNode, LineCounter, parseDocument, visit, type Document } from 'yaml';
import {
  captures,
  CHECK_KEYS,
  checkedFunction,
  EXPECT_KEYS,
  expectation,
  invokeSpec,
  requestSpec,
  retrySpec,
  samplingSpec,
  untilSpec,
} from './parse-fields.js';
import { isObject, Scope, type Path, type ProblemSink, type Raw } from './parse-scope.js';
import type { Check, CheckSuite, Flow, SuiteItem } from './types.js';

export { parseErrorRate } from './parse-fields.js';

/** A bad check definition; `problems` lists every one found, each naming the check, the field and the line. */
export class CheckDefinitionError extends Error {
  override name = 'CheckDefinitionError';
  constructor(readonly problems: string[]) {
    const shown = problems.slice(0, 10);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
    super(
      problems.length === 1
        ? `invalid checks: ${problems[0]}`
        : `invalid checks (${problems.length} problems):\n  ${shown.join('\n  ')}${more}`,
    );
  }
}

export interface CheckOrigin {
  /** Shown in messages ("checks.yml line 12"). */
  file?: string;
  /** The YAML/JSON text `source` came from, to find line numbers. */
  text?: string;
}

/**
 * Validates check definitions and returns a typed suite, or throws a CheckDefinitionError listing every problem.
 *
 * `source` is a parsed document, or YAML/JSON text. Accepted shapes: a list of checks and flows, or
 * `{ vars, base-url, checks: [...] }`. A flow is `{ flow: <name>, steps: [checks...] }`.
 */
export function parseChecks(source: unknown, origin: CheckOrigin = {}): CheckSuite {
  let text = origin.text;
  let value = source;
  if (typeof source === 'string') {
    text = source;
    value = undefined;
  }
  let locate: (path: Path) => number | undefined = () => undefined;
  if (text !== undefined) {
    const where = origin.file ?? 'checks';
    if (text.length > MAX_DOCUMENT_CHARS) {
      throw new CheckDefinitionError([
        `${where} has ${text.length} characters — at most ${MAX_DOCUMENT_CHARS} are accepted`,
      ]);
    }
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, prettyErrors: false });
    const syntax = document.errors[0];
    if (syntax) {
      const line = lineCounter.linePos(syntax.pos[0]).line;
      throw new CheckDefinitionError([
        `${where}${line ? ` line ${line}` : ''} is not valid YAML: ${syntax.message.split('\n')[0]}`,
      ]);
    }
    if (value === undefined) value = toPlainValue(document, lineCounter, where);
    locate = (path) => lineOf(document, lineCounter, path);
  }
  return new SuiteParser(origin.file, locate).suite(value);
}

/** Reads and parses a checks file (YAML or JSON), with line numbers in every problem. */
export async function parseChecksFile(file: string): Promise<CheckSuite> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CheckDefinitionError([`cannot read checks file ${file}: ${(error as Error).message}`]);
  }
  return parseChecks(text, { file, text });
}

/** The document as plain data; an alias bomb (aliases expanding to millions of nodes) is refused at once. */
function toPlainValue(document: Document, lineCounter: LineCounter, where: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let line: number | undefined;
    visit(document, (_key, node) => {
      if (isAlias(node) && node.range) {
        line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      }
    });
    throw new CheckDefinitionError([
      `${where}${line ? ` line ${line}` : ''} uses YAML aliases that expand too far (${error.message}) — write the checks out, or use fewer aliases`,
    ]);
  }
}

/** yaml's own default: enough for shared headers, far too few for a billion laughs. */
const MAX_ALIAS_COUNT = 100;

function lineOf(document: Document, lineCounter: LineCounter, path: Path): number | undefined {
  // A missing field has no node: fall back to the nearest existing parent.
  for (let length = path.length; length >= 0; length--) {
    const node = document.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

class SuiteParser implements ProblemSink {
  readonly problems: string[] = [];
  private readonly names = new Set<string>();

  constructor(
    private readonly file: string | undefined,
    private readonly locate: (path: Path) => number | undefined,
  ) {}

  where(path: Path): string | undefined {
    const line = this.locate(path);
    if (line === undefined) return this.file;
    return `${this.file ?? 'line'}${this.file ? ' line' : ''} ${line}`;
  }

  suite(value: unknown): CheckSuite {
    let list: unknown = value;
    let listPath: Path = [];
    let vars: Record<string, unknown> = {};
    let baseUrl: string | undefined;
    if (isObject(value)) {
      const scope = new Scope(this, 'checks', []);
      scope.allowOnly(value, ['vars', 'base-url', 'checks'], []);
      if (value.vars !== undefined) {
        if (isObject(value.vars)) vars = value.vars;
        else scope.problem(['vars'], 'must be a map of names to values');
      }
      if (value['base-url'] !== undefined) baseUrl = scope.text(value, 'base-url', []);
      list = value.checks;
      listPath = ['checks'];
      if (list === undefined) scope.problem(['checks'], 'is required: a list of checks and flows');
    }
    const items: SuiteItem[] = [];
    if (Array.isArray(list)) {
      if (list.length === 0)
        new Scope(this, 'checks', listPath).problem([], 'is empty: give at least one check');
      list.forEach((entry, index) => {
        const path = [...listPath, index];
        if (isObject(entry) && 'flow' in entry) {
          const flow = this.flow(entry, path, index);
          if (flow) items.push({ flow });
        } else {
          const check = this.check(entry, path, `check #${index + 1}`);
          if (check) items.push({ check });
        }
      });
    } else if (list !== undefined) {
      new Scope(this, 'checks', listPath).problem([], 'must be a list of checks (each with a name)');
    }
    if (this.problems.length > 0) throw new CheckDefinitionError(this.problems);
    return { vars, baseUrl, items };
  }

  private flow(entry: Raw, path: Path, index: number): Flow | undefined {
    const name = typeof entry.flow === 'string' && entry.flow.trim() ? entry.flow.trim() : undefined;
    const scope = new Scope(this, name ? `flow "${name}"` : `flow #${index + 1}`, path);
    if (!name) scope.problem(['flow'], "must be the flow's name");
    scope.allowOnly(entry, ['flow', 'steps'], []);
    if (!Array.isArray(entry.steps) || entry.steps.length === 0) {
      scope.problem(['steps'], 'must be a non-empty list of checks run in order');
      return undefined;
    }
    const steps = entry.steps
      .map((step, stepIndex) =>
        this.check(step, [...path, 'steps', stepIndex], `step #${stepIndex + 1} of flow "${name}"`, name),
      )
      .filter((step): step is Check => step !== undefined);
    return { name: name ?? `flow #${index + 1}`, steps, location: this.where(path) };
  }

  private check(entry: unknown, path: Path, fallbackName: string, flow?: string): Check | undefined {
    if (!isObject(entry)) {
      new Scope(this, fallbackName, path).problem([], 'must be a map with a name and a request or an invoke');
      return undefined;
    }
    const name = typeof entry.name === 'string' && entry.name.trim() ? entry.name.trim() : undefined;
    const scope = new Scope(this, name ? `check "${name}"` : fallbackName, path);
    if (!name) scope.problem(['name'], 'is required (a short unique name for reports)');
    else if (this.names.has(name))
      scope.problem(['name'], `"${name}" is used by another check; names must be unique`);
    else this.names.add(name);
    scope.allowOnly(entry, CHECK_KEYS, []);

    const request = entry.request === undefined ? undefined : requestSpec(scope, entry.request);
    const invoke = entry.invoke === undefined ? undefined : invokeSpec(scope, entry.invoke);
    if (entry.request === undefined && entry.invoke === undefined) {
      scope.problem([], 'needs a request (an HTTP call) or an invoke (a Lambda invoke)');
    }
    if (entry.request !== undefined && entry.invoke !== undefined) {
      scope.problem(['invoke'], 'cannot be combined with request: a check sends one or the other');
    }
    const expect =
      entry.expect === undefined ? {} : expectation(scope, entry.expect, ['expect'], EXPECT_KEYS);
    const capture = entry.capture === undefined ? {} : captures(scope, entry.capture);
    const retry = entry.retry === undefined ? undefined : retrySpec(scope, entry.retry);
    const until = entry.until === undefined ? undefined : untilSpec(scope, entry.until);
    const samples = samplingSpec(scope, entry);
    if (samples && until) scope.problem(['until'], 'cannot be combined with samples');
    return {
      name: name ?? fallbackName,
      flow,
      function: checkedFunction(scope, entry),
      request,
      invoke,
      expect,
      capture,
      retry,
      until,
      samples,
      location: this.where(path),
      references: scope.references,
    };
  }
}
