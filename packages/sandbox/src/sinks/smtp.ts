import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { MountedService, ServiceFactory } from '../contracts.js';
import { jsonResponse, pathUnder, readFields } from './body.js';

/**
 * A mail server on its own 127.0.0.1 port (smtp-server), messages parsed with mailparser. AUTH PLAIN/LOGIN with
 * the sandbox credentials is required; there is no TLS, so plain-text auth is allowed (loopback only).
 * Transient failures for retry tests: POST /smtp/failures {"count": N, "code": 451} makes the next N messages
 * be refused at the end of DATA with that code.
 */
export const SANDBOX_SMTP_USERNAME = 'sandbox';
export const SANDBOX_SMTP_PASSWORD = 'sandbox-smtp-password';

export interface ReceivedMail {
  /** The SMTP envelope, as given to MAIL FROM and RCPT TO. */
  envelope: { from: string; to: string[] };
  /** The authenticated user. */
  user: string;
  from?: string | undefined;
  to: string[];
  cc: string[];
  subject?: string | undefined;
  text?: string | undefined;
  html?: string | undefined;
  messageId?: string | undefined;
  headers: Record<string, string>;
}

interface FailurePlan {
  remaining: number;
  code: number;
  message: string;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((group) => group.value.map((a) => a.address ?? '')).filter((a) => a !== '');
}

export const smtpService: ServiceFactory = (): MountedService => {
  const received: ReceivedMail[] = [];
  let failures: FailurePlan | undefined;

  const server = new SMTPServer({
    name: 'sandbox.local',
    banner: 'Lambda Release Kit sandbox SMTP',
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (auth.username === SANDBOX_SMTP_USERNAME && auth.password === SANDBOX_SMTP_PASSWORD) {
        callback(null, { user: auth.username });
        return;
      }
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (failures && failures.remaining > 0) {
            failures.remaining -= 1;
            callback(Object.assign(new Error(failures.message), { responseCode: failures.code }));
            return;
          }
          const mailFrom = session.envelope.mailFrom;
          received.push({
            envelope: {
              from: mailFrom ? mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            user: String(session.user ?? ''),
            from: mail.from?.value[0]?.address,
            to: addresses(mail.to),
            cc: addresses(mail.cc),
            subject: mail.subject,
            text: mail.text,
            html: typeof mail.html === 'string' ? mail.html : undefined,
            messageId: mail.messageId,
            headers: Object.fromEntries(mail.headerLines.map((h) => [h.key, h.line])),
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });

  const port = () => (server.server.address() as AddressInfo | null)?.port;

  return {
    service: 'smtp',
    matches: (req) => pathUnder(req, '/smtp') !== undefined,
    operation: (req) => (pathUnder(req, '/smtp') === '/failures' ? 'PlanFailures' : 'Unknown'),
    isMutating: () => false,
    handle: async (req) => {
      if (req.method !== 'POST' || pathUnder(req, '/smtp') !== '/failures') {
        return jsonResponse(404, {
          error: 'only POST /smtp/failures is served over HTTP; mail goes to the SMTP port',
        });
      }
      const fields = readFields(req) ?? {};
      const count = Number(fields.count ?? 1);
      const code = Number(fields.code ?? 451);
      if (!Number.isInteger(count) || count < 0 || !Number.isInteger(code) || code < 400 || code > 599) {
        return jsonResponse(400, {
          error: 'expected {"count": <whole number>, "code": <4xx or 5xx SMTP code>}',
        });
      }
      const message =
        typeof fields.message === 'string'
          ? fields.message
          : `Requested action aborted: local error (sandbox)`;
      failures = { remaining: count, code, message };
      return jsonResponse(200, { planned: failures });
    },
    start: () =>
      new Promise<void>((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          server.server.off('error', reject);
          resolve();
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (port() === undefined) resolve();
        else server.close(() => resolve());
      }),
    inspect: () => ({ port: port(), received: received.map((m) => ({ ...m })) }),
    env: (): Record<string, string> => {
      const listening = port();
      if (listening === undefined) return {};
      return {
        SANDBOX_SMTP_URL: `smtp://${SANDBOX_SMTP_USERNAME}:${SANDBOX_SMTP_PASSWORD}@127.0.0.1:${listening}`,
        SANDBOX_SMTP_HOST: '127.0.0.1',
        SANDBOX_SMTP_PORT: String(listening),
        SANDBOX_SMTP_USERNAME,
        SANDBOX_SMTP_PASSWORD,
      };
    },
  };
};
