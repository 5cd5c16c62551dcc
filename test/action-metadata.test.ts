import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

// Every action's public face: strict YAML, node24, a committed bundle, documented kebab-case inputs and outputs,
// and no input read by the code that action.yml does not declare (the runner would never set it).
const ACTIONS = ['deploy-canary', 'smoke-test', 'rollback-on-failure', 'notify'];
const root = join(import.meta.dirname, '..');

interface ActionYaml {
  name: string;
  description: string;
  branding?: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

describe.each(ACTIONS)('actions/%s/action.yml', (name) => {
  const text = readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8');
  const action = parse(text, { strict: true, uniqueKeys: true }) as ActionYaml;

  it('runs the committed node24 bundle', () => {
    expect(action.runs).toEqual({ using: 'node24', main: `../../dist/${name}/index.js` });
    expect(existsSync(join(root, 'dist', name, 'index.js'))).toBe(true);
    expect(JSON.parse(readFileSync(join(root, 'dist', name, 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    expect(action.branding?.icon).toBeTruthy();
  });

  it('documents every input and output with kebab-case names', () => {
    for (const [key, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect(key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(spec.description.length).toBeGreaterThan(10);
    }
  });

  it('declares every input the code reads', () => {
    const constants = readFileSync(join(root, 'actions', name, 'src', 'constants.ts'), 'utf8');
    const inputEnum = constants.match(/export enum Input \{([\s\S]*?)\}/)?.[1] ?? '';
    const read = [...inputEnum.matchAll(/=\s*'([^']+)'/g)].flatMap((match) => match[1] ?? []);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((input) => !(input in action.inputs))).toEqual([]);
  });
});
