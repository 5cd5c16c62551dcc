import nodemailer from 'nodemailer';
import { TransientError } from '@lambda-release-kit/core';
import { withRetries, type SendContext } from './http.js';
import type { EmailBody } from './email-message.js';

/** Where and how to send mail; `url` (smtp:// or smtps://, credentials included) or host/port/secure/auth. */
export interface SmtpSettings {
  url?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  secure?: boolean | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

export interface EmailAddresses {
  from: string;
  to: string[];
  cc: string[];
}

const NETWORK_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']);

/** SMTP 4xx replies mean "try again later"; 5xx and authentication failures are final. */
function classify(error: unknown): Error {
  const e = error as { responseCode?: number; code?: string; response?: string; message?: string };
  const reply = e.response ? `: ${e.response.replace(/\s+/g, ' ').slice(0, 200)}` : '';
  const text = e.responseCode
    ? `SMTP ${e.responseCode}${reply}`
    : `${e.code ?? 'SMTP error'}: ${e.message ?? String(error)}`;
  if (
    (e.responseCode && e.responseCode >= 400 && e.responseCode < 500) ||
    (!e.responseCode && NETWORK_CODES.has(e.code ?? ''))
  ) {
    return new TransientError(text);
  }
  return new Error(
    e.code === 'EAUTH' ? `SMTP authentication failed${reply || ` (${e.message ?? ''})`}` : text,
  );
}

/** Sends one message (HTML and text alternatives); returns its Message-ID. */
export async function sendEmail(
  ctx: SendContext,
  smtp: SmtpSettings,
  addresses: EmailAddresses,
  body: EmailBody,
): Promise<string> {
  // nodemailer takes no AbortSignal: its own timeouts keep each attempt within the budget.
  return withRetries('email', ctx, async (_signal, timeout) => {
    const limits = { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout };
    const transport = smtp.url
      ? nodemailer.createTransport({ url: smtp.url, ...limits })
      : nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure ?? smtp.port === 465,
          auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? '' } : undefined,
          ...limits,
        });
    try {
      const info = await transport.sendMail({
        from: addresses.from,
        to: addresses.to,
        cc: addresses.cc.length > 0 ? addresses.cc : undefined,
        subject: body.subject,
        text: body.text,
        html: body.html,
      });
      return info.messageId;
    } catch (error) {
      throw classify(error);
    } finally {
      transport.close();
    }
  });
}
