import type { Redactor } from './redact.js';

/** How logic reports progress without touching the runner: main.ts passes the Actions logger, tests a memory one. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  /** Runs `task` inside a collapsible log group. */
  group<T>(name: string, task: () => Promise<T>): Promise<T>;
}

/** A logger that keeps lines in memory (tests, and callers that print a timeline of their own). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
  async group<T>(name: string, task: () => Promise<T>): Promise<T> {
    this.lines.push(`[${name}]`);
    return task();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/** A logger that writes plain lines to the console (command-line use outside GitHub). */
export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  warning: (message) => console.warn(`warning: ${message}`),
  debug: (message) => {
    if (process.env.RUNNER_DEBUG === '1') console.log(`debug: ${message}`);
  },
  group: async (name, task) => {
    console.log(`== ${name}`);
    return task();
  },
};

/** The lines a logger writes, without groups: what the check engine needs. */
export type LineLogger = Pick<Logger, 'info' | 'warning' | 'debug'>;

/** The same lines, each redacted: for lines that carry a server's answer (retries, polls, warnings). */
export function redactingLines(logger: LineLogger, redactor: Redactor): LineLogger {
  return {
    info: (message) => logger.info(redactor.redact(message)),
    warning: (message) => logger.warning(redactor.redact(message)),
    debug: (message) => logger.debug(redactor.redact(message)),
  };
}

/** The same logger with every line and group name redacted. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  return {
    ...redactingLines(logger, redactor),
    group: (name, task) => logger.group(redactor.redact(name), task),
  };
}
