import { InputError } from '@lambda-release-kit/core';
import { parse } from 'yaml';

/**
 * Parses an input written as YAML or JSON. A parse error names its position only, never the text around it:
 * the text may hold environment values, which are secrets until proven otherwise.
 */
export function parseYamlInput(text: string, where: string, expected: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    const position = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const at = position ? ` at line ${position.line}, column ${position.col}` : '';
    throw new InputError(`${where} is not valid YAML or JSON${at} — expected ${expected}`);
  }
}
