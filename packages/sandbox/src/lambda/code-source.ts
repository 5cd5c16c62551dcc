import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import type { ObjectStore } from '../object-store.js';
import { invalidParameter } from './errors.js';

/** The Code / UpdateFunctionCode parameters that say where code comes from. */
export interface CodeInput {
  ZipFile?: string;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
  ImageUri?: string;
}

export interface ResolvedCode {
  codeSha256: string;
  codeSize: number;
  imageUri?: string;
}

export const sha256Base64 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

/**
 * For images Lambda reports the image manifest's digest as CodeSha256. The sandbox has no registry, so it
 * uses the digest in the URI ("repo@sha256:<hex>") when present, else a hash of the URI: deterministic either way.
 */
export function imageCodeSha256(imageUri: string): string {
  const digest = /@sha256:([0-9a-f]{64})$/.exec(imageUri)?.[1];
  return digest ? Buffer.from(digest, 'hex').toString('base64') : sha256Base64(Buffer.from(imageUri));
}

/** Zip packages by CodeSha256, extracted on first run into a per-sandbox temporary directory. */
export class CodeStore {
  private zips = new Map<string, Uint8Array>();
  private dirs = new Map<string, string>();
  private root: string | undefined;
  private readonly objects: ObjectStore;

  constructor(objects: ObjectStore) {
    this.objects = objects;
  }

  /** Validates and stores the code a request points at; throws InvalidParameterValueException like Lambda. */
  resolve(input: CodeInput | undefined, packageType: 'Zip' | 'Image'): ResolvedCode {
    if (!input) throw invalidParameter('Code is required');
    if (packageType === 'Image') {
      if (!input.ImageUri) throw invalidParameter('Please provide ImageUri when the package type is Image.');
      if (input.ZipFile || input.S3Bucket) {
        throw invalidParameter('Please don’t provide ImageUri with ZipFile or S3 location.');
      }
      return { codeSha256: imageCodeSha256(input.ImageUri), codeSize: 0, imageUri: input.ImageUri };
    }
    if (input.ImageUri)
      throw invalidParameter('Please don’t provide ImageUri when updating a function with packageType Zip.');
    const bytes = this.zipBytes(input);
    try {
      unzipSync(bytes);
    } catch (e) {
      throw invalidParameter(
        `Could not unzip uploaded file. Please check your file, then try to upload again. (${String(e)})`,
      );
    }
    const codeSha256 = sha256Base64(bytes);
    this.zips.set(codeSha256, bytes);
    return { codeSha256, codeSize: bytes.length };
  }

  zip(codeSha256: string): Uint8Array | undefined {
    return this.zips.get(codeSha256);
  }

  /** Directory holding the extracted package (extracted once per distinct zip). */
  directory(codeSha256: string): string {
    const existing = this.dirs.get(codeSha256);
    if (existing) return existing;
    const bytes = this.zips.get(codeSha256);
    if (!bytes) throw new Error(`no code stored for CodeSha256 ${codeSha256}`);
    this.root ??= mkdtempSync(join(tmpdir(), 'lambda-sandbox-'));
    const dir = join(this.root, createHash('sha256').update(codeSha256).digest('hex').slice(0, 16));
    for (const [name, content] of Object.entries(unzipSync(bytes))) {
      if (name.endsWith('/')) continue;
      const target = resolve(dir, name);
      if (!target.startsWith(dir + sep)) throw new Error(`zip entry ${name} escapes the package directory`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    mkdirSync(dir, { recursive: true });
    this.dirs.set(codeSha256, dir);
    return dir;
  }

  removeAll(): void {
    if (this.root) rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
    this.dirs.clear();
  }

  private zipBytes(input: CodeInput): Uint8Array {
    if (input.ZipFile) return Buffer.from(input.ZipFile, 'base64');
    if (input.S3Bucket && input.S3Key) {
      const object = this.objects.get(input.S3Bucket, input.S3Key, input.S3ObjectVersion);
      if (!object) {
        throw invalidParameter(
          `Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist. (s3://${input.S3Bucket}/${input.S3Key})`,
        );
      }
      return object;
    }
    throw invalidParameter('Please provide a source for function code: ZipFile, or S3Bucket and S3Key.');
  }
}
