import { CheckDefinitionError } from './parse.js';
import { bareFunctionName } from '@lambda-release-kit/core/arn';
import { TEMPLATE_HELPERS } from '@lambda-release-kit/core/template';
import type { Check, CheckSuite } from './types.js';

/**
 * Checks, before anything is sent, that every variable a template uses will exist when the check runs: given
 * vars, captures of earlier steps of the same flow, and set environment variables; and that a check's `function:`
 * names one of the release's functions, when they are known.
 */
export function validateSuite(
  suite: CheckSuite,
  context: {
    vars: Record<string, unknown>;
    env: NodeJS.ProcessEnv;
    hasLambda: boolean;
    releaseFunctions?: string[] | undefined;
  },
): void {
  const problems: string[] = [];
  const given = Object.keys(context.vars);
  const release = context.releaseFunctions?.map(bareFunctionName);
  const checkOne = (check: Check, known: Set<string>, flow?: string) => {
    const at = (location: string | undefined) => `check "${check.name}"${location ? ` (${location})` : ''}`;
    const label = at(check.location);
    if (check.invoke && !context.hasLambda)
      problems.push(`${label}: invoke needs a Lambda client, and none was given`);
    if (check.function !== undefined && release && !release.includes(bareFunctionName(check.function))) {
      problems.push(
        `${label}: function "${check.function}" is not a function of the release — expected one of ${release.join(', ')}`,
      );
    }
    if (check.request && !suite.baseUrl && /^\//.test(check.request.url)) {
      problems.push(`${label}: request.url "${check.request.url}" is a path, and no base-url is set`);
    }
    for (const { variable, field, location } of check.references) {
      const label = at(location ?? check.location);
      if (variable.startsWith('env.')) {
        const name = variable.slice(4);
        if (context.env[name] === undefined)
          problems.push(`${label}: ${field} uses ${variable}, which is not set`);
        continue;
      }
      const root = variable.split('.')[0] ?? variable;
      if (known.has(root) || (TEMPLATE_HELPERS as readonly string[]).includes(root)) continue;
      const where = flow
        ? ` nor captured by an earlier step of flow "${flow}"`
        : ' (captures are shared only between the steps of a flow)';
      const available = [...known].slice(0, 20);
      problems.push(
        `${label}: ${field} uses unknown variable "${variable}" — not given in vars${where}` +
          (available.length > 0 ? `; known: ${available.join(', ')}` : ''),
      );
    }
  };
  for (const item of suite.items) {
    if ('check' in item) {
      checkOne(item.check, new Set(given));
      continue;
    }
    const known = new Set(given);
    for (const step of item.flow.steps) {
      checkOne(step, known, item.flow.name);
      for (const name of Object.keys(step.capture)) known.add(name);
    }
  }
  if (problems.length > 0) throw new CheckDefinitionError(problems);
}
