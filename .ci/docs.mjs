// Generates action-docs/<name>.md from each actions/<name>/action.yml with the npm package action-docs.
// Its usage block has ***PROJECT***/***VERSION*** placeholders; we fill in how users reference our actions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';

const names = readdirSync('actions', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`actions/${entry.name}/action.yml`))
  .map((entry) => entry.name)
  .sort();
mkdirSync('action-docs', { recursive: true });
for (const name of names) {
  const markdown = execFileSync(
    'npx',
    ['action-docs', '--no-banner', '--include-name-header', '-s', `actions/${name}/action.yml`],
    { encoding: 'utf8' },
  )
    .replaceAll('***PROJECT***', `<owner>/<repo>/actions/${name}`)
    .replaceAll('***VERSION***', 'v1');
  writeFileSync(
    `action-docs/${name}.md`,
    `<!-- Generated from actions/${name}/action.yml by \`npm run docs\`: do not edit. -->\n\n${markdown.trim()}\n`,
  );
  console.log(`wrote action-docs/${name}.md`);
}
