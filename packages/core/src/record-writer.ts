import type { DeploymentRecord } from './record.js';

/** Persists a record wherever the action keeps it (the record file, and the `record` output on a runner). */
export type SaveRecord = (record: DeploymentRecord) => Promise<void>;

/**
 * Keeps a deployment record and persists it after every change, so a job that dies halfway still leaves what
 * rollback-on-failure needs.
 */
export class RecordWriter {
  /** The save under way: saves run one after another, so updates made in parallel never write the file at once. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    readonly record: DeploymentRecord,
    private readonly saveRecord: SaveRecord,
  ) {}

  async update(change: (record: DeploymentRecord) => void): Promise<void> {
    change(this.record);
    const save = this.saving.then(() => this.saveRecord(this.record));
    this.saving = save.catch(() => undefined);
    await save;
  }

  /** Ends the record with a final status (and the error that caused it, if any). */
  async finish(status: DeploymentRecord['status'], error?: string, now: Date = new Date()): Promise<void> {
    await this.update((record) => {
      record.status = status;
      if (error) record.error = error;
      record.finishedAt = now.toISOString();
    });
  }
}
