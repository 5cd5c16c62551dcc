import { readFileSync } from 'node:fs';

/** Parses GITHUB_OUTPUT / GITHUB_ENV text: `name=value` lines and `name<<DELIMITER ... DELIMITER` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const [, name, delimiter] = line.match(/^([^=<]+)<<(.+)$/) ?? [];
    if (name !== undefined && delimiter !== undefined) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '');
      values[name] = body.join('\n');
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return values;
}

/** The file commands in a GITHUB_OUTPUT / GITHUB_ENV file; none when the step never created it. */
export function readFileCommands(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  return parseFileCommands(text);
}

/** The name of the environment variable the runner sets for an action input. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Undoes the escaping of workflow command messages (%25 %0D %0A). */
export function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
