// Generates action-docs/<name>.md from each actions/<name>/action.yml with the npm package action-docs.
// Its usage block has ***PROJECT***/***VERSION*** placeholders; we fill in how users reference our actions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

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

// The consumer workflow is the reference pipeline with the published actions in place of the local ones, so the
// copy users paste is the one CI lints and the demo runs.
const reference = readFileSync('.github/workflows/deploy.yml', 'utf8');
const published = reference
  .replace(/uses: \.\/actions\/([\w-]+)/g, 'uses: <owner>/<repo>/actions/$1@v1')
  .replace(
    /^# The reference release pipeline[\s\S]*?\n(?=#\n)/m,
    '# Release pipeline for orders-api, using Lambda Release Kit.\n',
  );
writeFileSync(
  'examples/docs/workflow.md',
  `<!-- Generated from .github/workflows/deploy.yml by \`npm run docs\`: do not edit. -->

# A release workflow to copy

Save this as \`.github/workflows/release.yml\`, replace \`<owner>/<repo>\` with this repository and \`v1\` with the release
you want (pin a commit SHA if your policy requires it), change the build step to build your function, and set:

| Kind | Name | What |
| --- | --- | --- |
| variable | \`AWS_DEPLOY_ROLE_ARN\` | The role the jobs assume through OIDC (see [iam.md](iam.md)). |
| variable | \`SLACK_CHANNEL\`, \`EMAIL_FROM\`, \`EMAIL_TO\` | Where notifications go. |
| variable | \`ORDERS_API_URL\` | The alias's function URL, for the smoke checks. |
| variable (optional) | \`TRAFFIC_STEPS\`, \`HEALTH_CHECK_INTERVAL\`, \`MIN_INVOCATIONS\` | Canary schedule and sample (defaults in the file). |
| secret | \`SLACK_BOT_TOKEN\`, \`SMTP_URL\` | Slack Web API token, and \`smtps://user:password@host:465\`. |
| environment | \`production\` | With required reviewers if releases need approval. |

Push a tag \`v1.2.3\` to release it; run the workflow by hand with \`skip-canary\` and a \`reason\` for a hotfix.

\`\`\`yaml
${published.trim()}
\`\`\`
`,
);
console.log('wrote examples/docs/workflow.md');
