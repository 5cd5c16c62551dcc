/** The S3 objects CreateFunction/UpdateFunctionCode can read code from (S3Bucket/S3Key/S3ObjectVersion). */
export class ObjectStore {
  /** bucket/key -> versions, oldest first; the version id is the 1-based position. */
  private objects = new Map<string, Uint8Array[]>();

  put(bucket: string, key: string, body: Uint8Array): string {
    const id = `${bucket}/${key}`;
    const versions = this.objects.get(id) ?? [];
    versions.push(Uint8Array.from(body));
    this.objects.set(id, versions);
    return String(versions.length);
  }

  get(bucket: string, key: string, versionId?: string): Uint8Array | undefined {
    const versions = this.objects.get(`${bucket}/${key}`);
    if (!versions) return undefined;
    if (versionId === undefined) return versions[versions.length - 1];
    return versions[Number(versionId) - 1];
  }
}
