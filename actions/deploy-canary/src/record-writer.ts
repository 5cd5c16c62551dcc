import { type DeploymentRecord, writeRecordFile } from '@lambda-release-kit/core';

/**
 * Keeps the deployment record and persists it after every change: the file for later jobs and steps, and an
 * optional callback (main.ts sets the `record` output) so a job that dies halfway still leaves what
 * rollback-on-failure needs.
 */
export class RecordWriter {
  constructor(
    readonly record: DeploymentRecord,
    readonly path: string,
    private readonly onSave?: (record: DeploymentRecord) => void,
  ) {}

  async update(change: (record: DeploymentRecord) => void): Promise<void> {
    change(this.record);
    await this.save();
  }

  async save(): Promise<void> {
    await writeRecordFile(this.path, this.record);
    this.onSave?.(this.record);
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
