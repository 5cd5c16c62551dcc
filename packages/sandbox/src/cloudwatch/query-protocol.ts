import type { MountedService, SandboxResponse, ServiceContext, ServiceFactory } from '../contracts.js';
import { AwsQuery, escapeXml } from '../aws-query.js';
import { cloudWatchService, SERVICE_TARGET } from './service.js';

/**
 * CloudWatch as the AWS CLI v2 speaks it: the awsQuery protocol, a form-encoded POST / with `Action=<Op>` and
 * `Version=2010-08-01`, answered in XML. Each request is translated to the JSON operation the SDK uses and
 * served by the same code, so both clients see the same alarms and metrics.
 */
const query = new AwsQuery('2010-08-01', 'monitoring');
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Form fields that the JSON operations read as numbers or booleans (the form carries only text). */
const NUMBER_FIELDS = new Set([
  'Threshold',
  'Period',
  'EvaluationPeriods',
  'DatapointsToAlarm',
  'MaxDatapoints',
  'MaxRecords',
]);
const BOOLEAN_FIELDS = new Set(['ActionsEnabled', 'ReturnData']);

type Tree = { [key: string]: Tree | string };

/** `Dimensions.member.1.Name=FunctionName` → `{ Dimensions: [{ Name: 'FunctionName' }] }`, typed by field. */
function formToJson(form: URLSearchParams): unknown {
  const root: Tree = {};
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    const leaf = parts.pop() ?? key;
    let node = root;
    for (const part of parts) {
      const child = node[part];
      node = typeof child === 'object' ? child : (node[part] = {});
    }
    node[leaf] = value;
  }
  return typed(root, '');
}

function typed(value: Tree | string, field: string): unknown {
  if (typeof value === 'string') {
    if (NUMBER_FIELDS.has(field)) return Number(value);
    if (BOOLEAN_FIELDS.has(field)) return value === 'true';
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'member' && typeof value.member === 'object') {
    const members = value.member;
    return Object.keys(members)
      .sort((a, b) => Number(a) - Number(b))
      .map((index) => typed(members[index] ?? '', field));
  }
  return Object.fromEntries(keys.map((key) => [key, typed(value[key] ?? '', key)]));
}

/** JSON results as query-protocol XML: lists as `<member>`, maps as `<entry>`, timestamps as ISO 8601. */
function toXml(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item, field)}</member>`).join('');
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (field === 'ExtendedStatistics') {
      return entries.map(([key, item]) => `<entry><key>${key}</key><value>${item}</value></entry>`).join('');
    }
    return entries
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `<${key}>${toXml(item, key)}</${key}>`)
      .join('');
  }
  if (typeof value === 'number' && /Timestamps?$/.test(field)) return new Date(value * 1000).toISOString();
  return escapeXml(String(value));
}

/** The JSON service's answer in XML; errors keep their awsQuery code (`x-amzn-query-error`). */
function translateAnswer(action: string, answer: SandboxResponse): SandboxResponse {
  const parsed = JSON.parse(answer.body?.toString() || '{}') as Record<string, unknown>;
  if (answer.status >= 400) {
    const code =
      answer.headers?.['x-amzn-query-error']?.split(';')[0] ?? String(parsed.__type).replace(/^.*#/, '');
    return query.error(code, String(parsed.message ?? ''), answer.status);
  }
  return query.result(action, toXml(parsed, action));
}

export const cloudWatchQueryService: ServiceFactory = (ctx: ServiceContext): MountedService => {
  const json = cloudWatchService(ctx);
  return {
    service: 'cloudwatch',
    matches: (req) => query.call(req) !== undefined,
    operation: (req) => query.call(req)?.action ?? 'Unknown',
    isMutating: (operation) => json.isMutating(operation),
    handle: async (req) => {
      const call = query.call(req);
      if (!call) throw new Error('not an awsQuery call of CloudWatch: matches() lets only those through');
      const { form, action } = call;
      const answer = await json.handle({
        ...req,
        headers: {
          ...req.headers,
          'content-type': JSON_CONTENT_TYPE,
          'content-encoding': 'identity',
          'x-amz-target': `${SERVICE_TARGET}.${action}`,
        },
        body: Buffer.from(JSON.stringify(formToJson(form))),
      });
      return translateAnswer(action, answer);
    },
    errorResponse: query.error,
  };
};
