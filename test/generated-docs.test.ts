import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { newestMajor } from './newest-major.js';

// The generated action docs, rendered by `npm run docs` into a temporary directory, must show each input's
// description as written (regexes keep their backslashes, AWS_REGION stays a name) and every default: the one
// declared in action.yml, or the description's closing "Default: ..." sentence.
const ACTIONS = ['deploy-canary', 'smoke-test', 'rollback-on-failure', 'notify'];
const root = join(import.meta.dirname, '..');
let out: string;

const major = newestMajor();
/** Every `@ref` after one of the suite's actions in a text. */
const pinned = (text: string) =>
  [...text.matchAll(/lambda-release-kit\/actions\/[\w-]+@([\w.-]+)/g)].map((match) => match[1]);

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'generated-docs-'));
  execFileSync('node', ['.ci/docs.mjs', out], { cwd: root, encoding: 'utf8' });
}, 60_000);

interface Spec {
  description: string;
  required?: boolean;
  default?: string;
}

const decode = (text: string) =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&#124;', '|').replaceAll('&amp;', '&');

/** What a reader sees in a table cell: code spans as written, Markdown escapes and entities resolved. An
 * unescaped `_` or `*` that became <em>/<strong> stays visible as a tag, and so fails the comparison. */
function visible(cell: string): string {
  return cell
    .replace(/^<p>|<\/p>$/g, '')
    .replace(/<a href="[^"]*">(.*?)<\/a>/g, '$1')
    .split(/(<code>.*?<\/code>|`[^`]*`)/)
    .map((part, index) =>
      index % 2 === 1
        ? decode(part.replace(/^<code>|<\/code>$|^`|`$/g, ''))
        : decode(part.replace(/\\(.)/g, '$1')),
    )
    .join('')
    .trim();
}

/** What a reader should see of an action.yml description: one line, code spans and links shown as their text. */
const written = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim();

function describedDefault(description: string): string | undefined {
  return /(?:^|[.:]\s+)Default:?\s+(.+?)\.?\s*$/s
    .exec(description.trim())?.[1]
    ?.replace(/^"(.*)"$/s, '$1')
    .replace(/\s+/g, ' ');
}

/** The rows of the table under `### <title>`, split on the pipes that are not escaped. */
function table(markdown: string, title: string): Map<string, string[]> {
  const section = markdown.split(`### ${title}`)[1]?.split('\n### ')[0] ?? '';
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return new Map(
    rows.map((row) => {
      const cells = row
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((cell) => cell.trim());
      return [cells[0]!.replaceAll('`', ''), cells.slice(1)];
    }),
  );
}

describe.each(ACTIONS)('action-docs/%s.md', (name) => {
  const action = parse(readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8')) as {
    inputs: Record<string, Spec>;
    outputs: Record<string, Spec>;
  };
  const markdown = () => readFileSync(join(out, 'action-docs', `${name}.md`), 'utf8');

  it('shows every input description as written, and every default', () => {
    const inputs = table(markdown(), 'Inputs');
    expect([...inputs.keys()]).toEqual(Object.keys(action.inputs));
    for (const [input, spec] of Object.entries(action.inputs)) {
      const [description, required, shownDefault] = inputs.get(input)!;
      expect({ input, description: visible(description!) }).toEqual({
        input,
        description: written(spec.description),
      });
      expect(required).toBe(`\`${spec.required === true}\``);
      const expected = spec.default ?? describedDefault(spec.description);
      if (spec.required) continue;
      expect({ input, default: expected }).toEqual({ input, default: expect.any(String) });
      expect({ input, default: visible(shownDefault!) }).toEqual({ input, default: expected });
    }
  });

  it('shows every output description as written', () => {
    const outputs = table(markdown(), 'Outputs');
    expect([...outputs.keys()]).toEqual(Object.keys(action.outputs));
    for (const [output, spec] of Object.entries(action.outputs)) {
      expect({ output, description: visible(outputs.get(output)![0]!) }).toEqual({
        output,
        description: written(spec.description),
      });
    }
  });

  it('links only to files that exist, relative to action-docs/', () => {
    const links = [...markdown().matchAll(/href="([^"#:]+)"/g)].map((match) => match[1]!);
    expect(links.filter((link) => !existsSync(join(root, 'action-docs', link)))).toEqual([]);
  });

  it('gives a usage block with the published reference and each default', () => {
    const usage = markdown().split('### Usage')[1] ?? '';
    expect(usage).toContain(`- uses: <owner>/lambda-release-kit/actions/${name}@${major}`);
    for (const spec of Object.values(action.inputs)) {
      const expected = spec.default ?? describedDefault(spec.description);
      if (expected !== undefined) expect(usage).toContain(`    # Default: ${expected}\n`);
    }
  });
});

describe('examples/docs/workflow.md', () => {
  it('references the published actions', () => {
    const workflow = readFileSync(join(out, 'examples', 'docs', 'workflow.md'), 'utf8');
    expect(workflow).toContain(`uses: <owner>/lambda-release-kit/actions/deploy-canary@${major}`);
    expect(new Set(pinned(workflow))).toEqual(new Set([major]));
    expect(workflow).not.toMatch(/uses: \.\/actions\//);
  });
});

describe('the version the hand-written docs name', () => {
  const pages = [
    'README.md',
    ...readdirSync(join(root, 'examples', 'docs')).map((page) => join('examples', 'docs', page)),
  ].filter((page) => page.endsWith('.md') && page !== join('examples', 'docs', 'workflow.md'));

  it.each(pages)('%s pins the newest major in its usage examples', (page) => {
    const refs = pinned(readFileSync(join(root, page), 'utf8')).filter((ref) => /^v\d+$/.test(ref ?? ''));
    expect({ page, refs: [...new Set(refs)] }).toEqual({ page, refs: refs.length > 0 ? [major] : [] });
  });
});
