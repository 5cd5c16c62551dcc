import type { Logger } from '@lambda-release-kit/core';

type Level = 'info' | 'warning' | 'debug';

/**
 * Keeps one function's lines while several functions are restored at once, so they can be written afterwards as
 * one group per function instead of interleaved.
 */
export class BufferedLogger implements Logger {
  private readonly lines: Array<{ level: Level; message: string }> = [];

  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }

  warning(message: string): void {
    this.lines.push({ level: 'warning', message });
  }

  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }

  async group<T>(name: string, task: () => Promise<T>): Promise<T> {
    this.info(name);
    return task();
  }

  /** Writes the kept lines to `logger`, each at its level. */
  replay(logger: Logger): void {
    for (const { level, message } of this.lines) logger[level](message);
  }
}
