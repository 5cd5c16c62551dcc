import { randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from './contracts.js';

/**
 * The awsQuery protocol (SNS, and CloudWatch as the AWS CLI speaks it): a form-encoded POST / with
 * `Action=<Op>` and `Version=<api version>`, answered in XML in the API version's namespace.
 */
export class AwsQuery {
  readonly namespace: string;

  constructor(
    readonly version: string,
    service: string,
  ) {
    this.namespace = `http://${service}.amazonaws.com/doc/${version}/`;
  }

  /** The request's form and Action when it is an awsQuery call of this API version, else undefined. */
  call(req: SandboxRequest): { form: URLSearchParams; action: string } | undefined {
    if (req.method !== 'POST' || req.path !== '/') return undefined;
    if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return undefined;
    const form = new URLSearchParams(req.body.toString('utf8'));
    const action = form.get('Action');
    return form.get('Version') === this.version && action !== null ? { form, action } : undefined;
  }

  result(action: string, inner: string): SandboxResponse {
    return xml(
      200,
      `<${action}Response xmlns="${this.namespace}"><${action}Result>${inner}</${action}Result>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
    );
  }

  readonly error = (code: string, message: string, status: number): SandboxResponse => {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    return xml(
      status,
      `<ErrorResponse xmlns="${this.namespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
        `<Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
  };
}

const XML_ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  "'": '&apos;',
  '"': '&quot;',
};

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => XML_ENTITIES[c] ?? c);
}

function xml(status: number, body: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0"?>\n${body}` };
}
