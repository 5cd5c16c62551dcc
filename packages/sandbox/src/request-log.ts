import type { RequestLogEntry } from './contracts.js';

/** Every AWS request the sandbox answered, oldest first. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  all(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  mutating(): RequestLogEntry[] {
    return this.all().filter((e) => e.mutating);
  }

  clear(): void {
    this.entries = [];
  }
}
