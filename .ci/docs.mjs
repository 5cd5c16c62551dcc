// Generates action-docs/<name>.md from each actions/<name>/action.yml with the npm package action-docs, and
// examples/docs/workflow.md from the reference workflow. `node .ci/docs.mjs [directory]` writes under that
// directory instead of here (the generated-docs test renders into a temporary one).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateActionMarkdownDocs } from 'action-docs';
import { parse, stringify } from 'yaml';

const REPOSITORY = '<owner>/lambda-release-kit';
// The major tag usage examples pin: the newest major in CHANGELOG.md (test/generated-docs.test.ts checks it).
const VERSION = 'v2';
const out = process.argv[2] ?? '.';
const scratch = mkdtempSync(join(tmpdir(), 'action-docs-'));

/** The closing "Default: ..." or 'Default "..."' sentence of a description: how inputs whose default depends on
 * the environment, or whose declared default would count as given, state it. */
function describedDefault(description) {
  const sentence = /(?:^|[.:]\s+)Default:?\s+(.+?)\.?\s*$/s.exec(description.trim());
  return sentence ? sentence[1].replace(/^"(.*)"$/s, '$1').replace(/\s+/g, ' ') : undefined;
}

/** action-docs renders descriptions as Markdown (a regex loses its backslashes, AWS_REGION turns into emphasis, a
 * `|` splits the table): escape what Markdown would interpret, outside code spans, which are shown as written. */
function escapeMarkdown(text) {
  return text
    .split(/(`[^`]*`)/)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part
            .replace(/[\\_*]/g, '\\$&')
            .replaceAll('...', '.\\.\\.')
            .replaceAll('<', '&lt;')
            .replaceAll('|', '&#124;'),
    )
    .join('');
}

/** Renders one action.yml: the tables from a copy with escaped descriptions, the usage block (YAML comments,
 * not Markdown) from a copy as written; both with the described defaults filled in. */
async function render(name) {
  const action = parse(readFileSync(`actions/${name}/action.yml`, 'utf8'));
  const described = {};
  for (const [input, spec] of Object.entries(action.inputs ?? {})) {
    const value = spec.default === undefined ? describedDefault(spec.description) : undefined;
    if (value === undefined) continue;
    described[input] = value;
    spec.default = value;
  }
  const generate = async (variant, yml) => {
    const sourceFile = join(scratch, `${name}.${variant}.yml`);
    writeFileSync(sourceFile, stringify(yml, { lineWidth: 0 }));
    return generateActionMarkdownDocs({ sourceFile, includeNameHeader: true });
  };
  const usage = (await generate('raw', action)).split('### Usage')[1];
  const escape = (spec) => ({ ...spec, description: escapeMarkdown(spec.description) });
  const escaped = {
    ...action,
    description: escapeMarkdown(action.description),
    inputs: Object.fromEntries(Object.entries(action.inputs ?? {}).map(([key, spec]) => [key, escape(spec)])),
    outputs: Object.fromEntries(
      Object.entries(action.outputs ?? {}).map(([key, spec]) => [key, escape(spec)]),
    ),
  };
  let tables = (await generate('escaped', escaped)).split('### Usage')[0];
  // A described default is prose, not a value to type: shown as text, not code.
  for (const [input, value] of Object.entries(described)) {
    tables = tables.replace(
      new RegExp(`^(\\| \`${input}\` \\|.*\\| )\`[^\\n]*\` \\|$`, 'm'),
      (_, row) => `${row}${escapeMarkdown(value)} |`,
    );
  }
  // Links in action.yml are relative to actions/<name>/; the page lives one level higher, in action-docs/.
  return `${tables}### Usage${usage}`
    .replaceAll('***PROJECT***', `${REPOSITORY}/actions/${name}`)
    .replaceAll('***VERSION***', VERSION)
    .replaceAll('href="../../', 'href="../');
}

const names = readdirSync('actions', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`actions/${entry.name}/action.yml`))
  .map((entry) => entry.name)
  .sort();
mkdirSync(join(out, 'action-docs'), { recursive: true });
for (const name of names) {
  const markdown = await render(name);
  writeFileSync(
    join(out, 'action-docs', `${name}.md`),
    `<!-- Generated from actions/${name}/action.yml by \`npm run docs\`: do not edit. -->\n\n${markdown.trim()}\n`,
  );
  console.log(`wrote ${join(out, 'action-docs', `${name}.md`)}`);
}
// The consumer workflow is the reference pipeline with the published actions in place of the local ones, so the
// copy users paste is the one CI lints and the demo runs.
const reference = readFileSync('.github/workflows/deploy.yml', 'utf8');
const published = reference
  .replace(/uses: \.\/actions\/([\w-]+)/g, `uses: ${REPOSITORY}/actions/$1@${VERSION}`)
  .replace(
    /^# The reference release pipeline[\s\S]*?\n(?=#\n)/m,
    '# Release pipeline for the orders service (orders-api and orders-worker), using Lambda Release Kit.\n',
  );
mkdirSync(join(out, 'examples', 'docs'), { recursive: true });
writeFileSync(
  join(out, 'examples', 'docs', 'workflow.md'),
  `<!-- Generated from .github/workflows/deploy.yml by \`npm run docs\`: do not edit. -->

# A release workflow to copy

Save this as \`.github/workflows/release.yml\`, replace \`<owner>\` with the account that hosts lambda-release-kit and \`${VERSION}\` with
the release you want (or a commit SHA: see the README's "Pinning a version"), change the build step and the \`functions\` list to
your service's functions (see [service.md](service.md)), and set:

| Kind | Name | What |
| --- | --- | --- |
| environment | \`staging\`, \`production\` | GitHub environments; \`production\` with required reviewers, so a release waits for approval after staging. |
| environment and repository variable | \`AWS_DEPLOY_ROLE_ARN\` | In each environment: the role its jobs assume through OIDC (see [iam.md](iam.md)). Also as a repository variable (any non-empty value): the staging job's \`if:\` sees only repository variables and skips the release without one; inside the jobs, each environment's value wins. |
| environment variable | \`ORDERS_API_URL\` | In each environment: orders-api's alias function URL, for the smoke checks. |
| variable | \`SLACK_CHANNEL\`, \`EMAIL_FROM\`, \`EMAIL_TO\` | Where notifications go: one Slack thread per release. |
| variable (optional) | \`TRAFFIC_STEPS\`, \`HEALTH_CHECK_INTERVAL\`, \`MIN_INVOCATIONS\`, \`ORDERS_BATCH_LIMIT\` | Canary schedule and sample, the worker's configuration (defaults in the file). |
| secret | \`SLACK_BOT_TOKEN\`, \`SMTP_URL\` | Slack Web API token, and \`smtps://user:password@host:465\`. |

Push a tag \`v1.2.3\` to release it to staging and, once approved, to production; run the workflow by hand with
\`skip-canary\` and a \`reason\` for a hotfix.

\`\`\`yaml
${published.trim()}
\`\`\`
`,
);
console.log(`wrote ${join(out, 'examples', 'docs', 'workflow.md')}`);
