/**
 * The baselines and measuring tools come from Debian: the AWS CLI (`awscli`), curl and GNU time (`time`).
 * A missing one is installed with apt-get when running as root, otherwise the command to run is printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

interface DebianTool {
  command: string;
  debianPackage: string;
  versionArgs: string[];
}

export const AWS_CLI: DebianTool = {
  command: '/usr/bin/aws',
  debianPackage: 'awscli',
  versionArgs: ['--version'],
};
export const CURL: DebianTool = {
  command: '/usr/bin/curl',
  debianPackage: 'curl',
  versionArgs: ['--version'],
};
export const GNU_TIME: DebianTool = {
  command: '/usr/bin/time',
  debianPackage: 'time',
  versionArgs: ['--version'],
};

function works(tool: DebianTool): boolean {
  if (!existsSync(tool.command)) return false;
  try {
    execFileSync(tool.command, tool.versionArgs, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** Returns the tool's absolute path, installing its Debian package first if needed. */
export function ensureTool(tool: DebianTool): string {
  if (works(tool)) return tool.command;
  const install = `apt-get update && apt-get install -y ${tool.debianPackage}`;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${tool.command} is missing: install it with \`sudo ${install}\` and run the bench again`,
    );
  }
  console.log(`${tool.command} is missing: running ${install}`);
  execFileSync('sh', ['-c', install], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  });
  if (!works(tool))
    throw new Error(`${tool.command} still does not run after installing ${tool.debianPackage}`);
  return tool.command;
}
