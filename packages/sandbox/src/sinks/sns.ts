import { randomUUID } from 'node:crypto';
import type { MountedService, SandboxResponse, ServiceContext, ServiceFactory } from '../contracts.js';
import { AwsQuery, escapeXml } from '../aws-query.js';

/**
 * SNS as @aws-sdk/client-sns speaks it: the awsQuery protocol, a form-encoded POST / with `Action=<Op>` and
 * `Version=2010-03-31`, answered in XML. Supports CreateTopic and Publish (with message attributes), enough
 * for release notifications. Publishing to a topic that was not created answers NotFound, as SNS does.
 */
const query = new AwsQuery('2010-03-31', 'sns');
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const MAX_MESSAGE_BYTES = 256 * 1024;

export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface SnsPublished {
  MessageId: string;
  TopicArn: string;
  Subject?: string | undefined;
  Message: string;
  MessageAttributes: Record<string, SnsMessageAttribute>;
}

class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue`. */
function messageAttributes(form: URLSearchParams): Record<string, SnsMessageAttribute> {
  const attributes: Record<string, SnsMessageAttribute> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    const name = form.get(`${prefix}.Name`) ?? '';
    const dataType = form.get(`${prefix}.Value.DataType`);
    if (!dataType) {
      throw new SnsError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain a data type.`,
      );
    }
    const attribute: SnsMessageAttribute = { DataType: dataType };
    const stringValue = form.get(`${prefix}.Value.StringValue`);
    const binaryValue = form.get(`${prefix}.Value.BinaryValue`);
    if (stringValue !== null) attribute.StringValue = stringValue;
    if (binaryValue !== null) attribute.BinaryValue = binaryValue;
    if (stringValue === null && binaryValue === null) {
      throw new SnsError(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute value.`,
      );
    }
    attributes[name] = attribute;
  }
  return attributes;
}

export const snsService: ServiceFactory = (ctx: ServiceContext): MountedService => {
  const topics = new Set<string>();
  const published: SnsPublished[] = [];
  const arnPrefix = `arn:aws:sns:${ctx.options.region}:${ctx.options.accountId}:`;

  const createTopic = (form: URLSearchParams) => {
    const name = form.get('Name') ?? '';
    if (!TOPIC_NAME.test(name)) throw new SnsError('InvalidParameter', 'Invalid parameter: Topic Name');
    const arn = `${arnPrefix}${name}`;
    topics.add(arn);
    return query.result('CreateTopic', `<TopicArn>${escapeXml(arn)}</TopicArn>`);
  };

  const publish = (form: URLSearchParams) => {
    const topicArn = form.get('TopicArn') ?? form.get('TargetArn') ?? '';
    if (topicArn === '')
      throw new SnsError(
        'InvalidParameter',
        'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
      );
    if (!topics.has(topicArn)) throw new SnsError('NotFound', 'Topic does not exist', 404);
    const message = form.get('Message');
    if (!message) throw new SnsError('InvalidParameter', 'Invalid parameter: Empty message');
    if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
      throw new SnsError('InvalidParameter', 'Invalid parameter: Message too long');
    }
    const subject = form.get('Subject') ?? undefined;
    if (subject !== undefined && (subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject))) {
      throw new SnsError('InvalidParameter', 'Invalid parameter: Subject');
    }
    const entry: SnsPublished = {
      MessageId: randomUUID(),
      TopicArn: topicArn,
      Subject: subject,
      Message: message,
      MessageAttributes: messageAttributes(form),
    };
    published.push(entry);
    return query.result('Publish', `<MessageId>${entry.MessageId}</MessageId>`);
  };

  const actions: Record<string, (form: URLSearchParams) => SandboxResponse> = {
    CreateTopic: createTopic,
    Publish: publish,
  };

  return {
    service: 'sns',
    matches: (req) => query.call(req) !== undefined,
    operation: (req) => query.call(req)?.action ?? 'Unknown',
    isMutating: (operation) => operation !== 'ListTopics',
    handle: async (req) => {
      const call = query.call(req);
      if (!call) throw new Error('not an awsQuery call of SNS: matches() lets only those through');
      const { form, action } = call;
      try {
        const run = actions[action];
        if (!run)
          throw new SnsError('InvalidAction', `The action ${action} is not valid for this web service.`);
        return run(form);
      } catch (error) {
        if (!(error instanceof SnsError)) throw error;
        return query.error(error.code, error.message, error.status);
      }
    },
    errorResponse: query.error,
    inspect: () => ({ topics: [...topics], published: published.map((p) => ({ ...p })) }),
  };
};
