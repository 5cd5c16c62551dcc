import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nodemailer from 'nodemailer';
import { startSandbox, type Sandbox } from '../src/index.js';
import { smtpService, type ReceivedMail } from '../src/sinks/index.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ services: [smtpService] });
});

afterAll(async () => {
  await sandbox.stop();
});

async function received(): Promise<ReceivedMail[]> {
  const state = (await (await fetch(`${sandbox.endpoint}/_sandbox/state`)).json()) as {
    services: { smtp: { received: ReceivedMail[] } };
  };
  return state.services.smtp.received;
}

const message = {
  from: 'Release bot <releases@example.com>',
  to: 'team@example.com, ops@example.com',
  cc: 'lead@example.com',
  subject: 'orders-api v8 promoted',
  text: 'Version 8 is live.',
  html: '<p>Version <b>8</b> is live.</p>',
};

describe('smtp sink', () => {
  it('receives a message over SMTP with AUTH and parses it', async () => {
    for (const method of ['PLAIN', 'LOGIN']) {
      const transport = nodemailer.createTransport({
        url: sandbox.variable('SANDBOX_SMTP_URL'),
        authMethod: method,
      });
      const info = await transport.sendMail({ ...message, subject: `${message.subject} (${method})` });
      expect(info.accepted).toEqual(['team@example.com', 'ops@example.com', 'lead@example.com']);
      const mail = (await received()).at(-1);
      expect(mail).toMatchObject({
        user: 'sandbox',
        from: 'releases@example.com',
        to: ['team@example.com', 'ops@example.com'],
        cc: ['lead@example.com'],
        subject: `orders-api v8 promoted (${method})`,
        text: 'Version 8 is live.',
        html: '<p>Version <b>8</b> is live.</p>',
        messageId: info.messageId,
        envelope: {
          from: 'releases@example.com',
          to: ['team@example.com', 'ops@example.com', 'lead@example.com'],
        },
      });
    }
  });

  it('refuses wrong credentials with 535', async () => {
    const transport = nodemailer.createTransport({
      host: sandbox.variable('SANDBOX_SMTP_HOST'),
      port: Number(sandbox.variable('SANDBOX_SMTP_PORT')),
      secure: false,
      auth: { user: 'sandbox', pass: 'wrong' },
    });
    await expect(transport.sendMail(message)).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
  });

  it('refuses the next messages with a planned transient failure', async () => {
    const plan = await fetch(`${sandbox.endpoint}/smtp/failures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 1, code: 451 }),
    });
    expect(plan.status).toBe(200);
    const transport = nodemailer.createTransport({ url: sandbox.variable('SANDBOX_SMTP_URL') });
    const before = (await received()).length;
    await expect(transport.sendMail(message)).rejects.toMatchObject({ responseCode: 451 });
    await transport.sendMail(message);
    expect((await received()).length).toBe(before + 1);
  });
});
