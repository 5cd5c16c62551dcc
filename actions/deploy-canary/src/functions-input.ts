import { InputError } from '@lambda-release-kit/core';
import { Input } from './constants.js';
import { FUNCTION_GATE_KEYS } from './gate-inputs.js';
import { parseYamlInput } from './yaml-input.js';

/** The keys an item of the `functions` input takes. */
export const FUNCTION_KEYS = [
  'name',
  'alias',
  'zip-file',
  'image-uri',
  'configuration',
  'codedeploy-application',
  'codedeploy-deployment-group',
  ...FUNCTION_GATE_KEYS,
  'canary-traffic',
] as const;

/** One item of `functions`, its fields checked for type only; the plan validates their values. */
export interface FunctionEntry {
  /** "input 'functions' item 2", for messages. */
  where: string;
  name: string;
  alias?: string;
  zipFile?: string;
  imageUri?: string;
  /** The raw map: read by readConfiguration, which masks its environment values first. */
  configuration?: unknown;
  codedeployApplication?: string;
  codedeployDeploymentGroup?: string;
  /** The item's own gate keys as given: checked by readItemGates over the action's gates. */
  gates?: Partial<Record<(typeof FUNCTION_GATE_KEYS)[number], unknown>>;
  /** The raw value (a rate, "off", or a map with rate and payload): read by readItemCanaryTraffic. */
  canaryTraffic?: unknown;
}

/** Parses the `functions` input, a YAML or JSON list with one map per function. */
export function parseFunctionEntries(text: string): FunctionEntry[] {
  const document = parseYamlInput(
    text,
    `input '${Input.Functions}'`,
    'a list like "- name: orders-api\\n  zip-file: build/api.zip"',
  );
  if (!Array.isArray(document) || document.length === 0) {
    throw new InputError(
      `input '${Input.Functions}' is not a list of functions — expected items like "- name: orders-api" (one per function)`,
    );
  }
  return document.map((item: unknown, index) =>
    readEntry(item, `input '${Input.Functions}' item ${index + 1}`),
  );
}

function readEntry(item: unknown, where: string): FunctionEntry {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new InputError(`${where} is not a map — expected "name: <function>" and its settings`);
  }
  const fields = item as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !(FUNCTION_KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) {
    throw new InputError(
      `${where} has the key ${JSON.stringify(unknown)} — expected only ${FUNCTION_KEYS.join(', ')}`,
    );
  }
  const text = (key: (typeof FUNCTION_KEYS)[number]): string | undefined => {
    const value = fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InputError(
        `${where} has ${JSON.stringify(value)} for '${key}' — expected a non-empty string`,
      );
    }
    return value.trim();
  };
  const name = text('name');
  if (name === undefined)
    throw new InputError(`${where} has no 'name' — expected the function's name or ARN`);
  const entry: FunctionEntry = { where, name };
  const alias = text('alias');
  if (alias !== undefined) entry.alias = alias;
  const zipFile = text('zip-file');
  if (zipFile !== undefined) entry.zipFile = zipFile;
  const imageUri = text('image-uri');
  if (imageUri !== undefined) entry.imageUri = imageUri;
  const application = text('codedeploy-application');
  if (application !== undefined) entry.codedeployApplication = application;
  const group = text('codedeploy-deployment-group');
  if (group !== undefined) entry.codedeployDeploymentGroup = group;
  if (fields.configuration !== undefined) entry.configuration = fields.configuration;
  const gates = Object.fromEntries(
    FUNCTION_GATE_KEYS.flatMap((key) => (key in fields ? [[key, fields[key]]] : [])),
  );
  if (Object.keys(gates).length > 0) entry.gates = gates;
  if (fields['canary-traffic'] !== undefined) entry.canaryTraffic = fields['canary-traffic'];
  return entry;
}
