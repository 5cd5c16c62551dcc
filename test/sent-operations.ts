/**
 * The AWS operations each action's code can send, read from the source the tests run, so the list cannot fall
 * behind the code: every `new XxxCommand(...)` of an @aws-sdk/client-* package in actions/<name>/src, and in the
 * top-level functions of the shared packages (core, checks) that the action's code reaches by name.
 * Names are IAM actions (`lambda:InvokeFunction` for the Invoke operation), as iam.md lists them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const SHARED = {
  '@lambda-release-kit/core': 'packages/core',
  '@lambda-release-kit/checks': 'packages/checks',
};

/** The IAM action that authorizes an SDK operation, where its name differs from the operation's. */
const IAM_NAMES: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };

export function iamAction(operation: string): string {
  return IAM_NAMES[operation] ?? operation;
}

/** A top-level declaration: the operations it sends itself and the names it refers to, resolved to units. */
interface Unit {
  sends: Set<string>;
  refs: Array<{ pkg: string; name: string }>;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
    return statement.name ? [statement.name.text] : [];
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) =>
      ts.isIdentifier(d.name) ? [d.name.text] : [],
    );
  }
  return [];
}

/** The module and names of `const { a, b } = await import('module')`. */
function lazyImport(node: ts.Node): { from: string; names: string[] } | undefined {
  if (!ts.isVariableDeclaration(node) || !ts.isObjectBindingPattern(node.name) || !node.initializer) return;
  const call = ts.isAwaitExpression(node.initializer) ? node.initializer.expression : node.initializer;
  if (!ts.isCallExpression(call) || call.expression.kind !== ts.SyntaxKind.ImportKeyword) return;
  const [from] = call.arguments;
  if (!from || !ts.isStringLiteral(from)) return;
  const names = node.name.elements.flatMap((element) => {
    const name = element.propertyName ?? element.name;
    return ts.isIdentifier(name) ? [name.text] : [];
  });
  return { from: from.text, names };
}

/** The units of one source file, keyed by name, with each unit's sends and references. */
function unitsOf(file: string, pkg: string): Map<string, Unit> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const packageOf = (from: string) =>
    Object.entries(SHARED).find(([name]) => from === name || from.startsWith(`${name}/`))?.[1] ??
    (from.startsWith('.') ? pkg : undefined);
  const imported = new Map<string, { pkg: string; name: string; sdk?: string }>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const from = statement.moduleSpecifier.text;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const shared = packageOf(from);
    for (const element of bindings.elements) {
      const name = (element.propertyName ?? element.name).text;
      if (from.startsWith('@aws-sdk/client-')) {
        imported.set(element.name.text, { pkg: '', name, sdk: from.slice('@aws-sdk/client-'.length) });
      } else if (shared) {
        imported.set(element.name.text, { pkg: shared, name });
      }
    }
  }
  const locals = new Set(source.statements.flatMap(declaredNames));
  const units = new Map<string, Unit>();
  for (const statement of source.statements) {
    const unit: Unit = { sends: new Set(), refs: [] };
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
        const sdk = imported.get(node.expression.text);
        if (sdk?.sdk && sdk.name.endsWith('Command')) {
          unit.sends.add(iamAction(`${sdk.sdk}:${sdk.name.slice(0, -'Command'.length)}`));
        }
      }
      // `const { runChecks } = await import('@lambda-release-kit/checks')`: loaded only when needed, still sent.
      const loaded = lazyImport(node);
      const lazyPkg = loaded && packageOf(loaded.from);
      if (loaded && lazyPkg) loaded.names.forEach((name) => unit.refs.push({ pkg: lazyPkg, name }));
      if (ts.isIdentifier(node)) {
        const target = imported.get(node.text);
        if (target && !target.sdk) unit.refs.push(target);
        else if (locals.has(node.text)) unit.refs.push({ pkg, name: node.text });
      }
      ts.forEachChild(node, visit);
    };
    visit(statement);
    const names = declaredNames(statement);
    // Statements that declare nothing (an entry point's call, a side effect) belong to the file itself.
    for (const name of names.length > 0 ? names : [`<${relative(root, file)}>`]) units.set(name, unit);
  }
  return units;
}

/** Every unit of a package or action directory, by name (a name declared in two files keeps both). */
function packageUnits(pkg: string): Map<string, Unit[]> {
  const byName = new Map<string, Unit[]>();
  for (const file of sourceFiles(join(root, pkg, 'src'))) {
    for (const [name, unit] of unitsOf(file, pkg)) byName.set(name, [...(byName.get(name) ?? []), unit]);
  }
  return byName;
}

/** The IAM actions the code of actions/<action> can send, sorted. */
export function sentOperations(action: string): string[] {
  const packages = new Map<string, Map<string, Unit[]>>();
  const unitsIn = (pkg: string) => {
    let units = packages.get(pkg);
    if (!units) packages.set(pkg, (units = packageUnits(pkg)));
    return units;
  };
  const own = `actions/${action}`;
  const pending = [...unitsIn(own).values()].flat();
  const seen = new Set<Unit>(pending);
  const sends = new Set<string>();
  for (let unit = pending.pop(); unit; unit = pending.pop()) {
    unit.sends.forEach((operation) => sends.add(operation));
    for (const ref of unit.refs) {
      for (const next of unitsIn(ref.pkg).get(ref.name) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        pending.push(next);
      }
    }
  }
  return [...sends].sort();
}
