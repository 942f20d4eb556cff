// Blobs in any S3-compatible object store (AWS S3, MinIO, R2, ...) through @aws-sdk/client-s3.
// The SDK is loaded on first use, so installs on the filesystem store never pay for it.
import type { S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from './index';
import {
  BlobNotFoundError,
  BlobRangeError,
  BlobWriteError,
  assertBlobKey,
  assertRange,
  describeWriteError
} from './errors';

export interface S3StoreOptions {
  bucket: string;
  /** Custom endpoint for S3-compatible servers; unset means AWS. */
  endpoint?: string;
  region?: string;
  /** `http://host/bucket/key` addressing (MinIO and most self-hosted servers need it). */
  forcePathStyle?: boolean;
  /** Unset: the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, IAM role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * A call whose connection stays silent this long is abandoned (and retried by the SDK), so a
   * store that stops answering fails the request instead of holding it forever. Default 30 s.
   */
  idleTimeoutMs?: number;
}

type Sdk = typeof import('@aws-sdk/client-s3');

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(error) === 404;
}

export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  private ready: Promise<{ sdk: Sdk; client: S3Client }> | undefined;

  constructor(readonly options: S3StoreOptions) {}

  private connect() {
    this.ready ??= (async () => {
      // The SDK warns that releases after January 2027 need Node 22; package.json pins a release
      // that runs on Node 20, so the warning is noise in our logs.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const sdk = await import('@aws-sdk/client-s3');
      const idleMs = this.options.idleTimeoutMs ?? 30_000;
      const client = new sdk.S3Client({
        endpoint: this.options.endpoint,
        region: this.options.region ?? 'us-east-1',
        forcePathStyle: this.options.forcePathStyle ?? false,
        credentials: this.options.credentials,
        maxAttempts: 3,
        // The SDK waits forever by default. Idle, not total: a large PDF streamed to a slow
        // phone may take minutes, but never 30 s without a byte.
        requestHandler: {
          connectionTimeout: Math.min(5_000, idleMs),
          socketTimeout: idleMs
        }
      });
      return { sdk, client };
    })();
    return this.ready;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    assertBlobKey(key);
    const { sdk, client } = await this.connect();
    try {
      // A PUT is atomic in S3: the object appears whole or not at all.
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType: 'application/octet-stream'
        })
      );
    } catch (error) {
      throw new BlobWriteError(key, describeWriteError(error), { cause: error });
    }
  }

  async get(key: string, range?: { start: number; end: number }) {
    assertBlobKey(key);
    if (range) assertRange(range);
    const { sdk, client } = await this.connect();
    try {
      const result = await client.send(
        new sdk.GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined
        })
      );
      if (!result.Body) throw new BlobNotFoundError(key);
      return result.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw error;
      if (isNotFound(error)) throw new BlobNotFoundError(key);
      if (statusOf(error) === 416 || (error as { name?: string }).name === 'InvalidRange') {
        throw new BlobRangeError(`Range ${range?.start}-${range?.end} starts past the end`);
      }
      throw error;
    }
  }

  async size(key: string): Promise<number | null> {
    assertBlobKey(key);
    const { sdk, client } = await this.connect();
    try {
      const head = await client.send(
        new sdk.HeadObjectCommand({ Bucket: this.options.bucket, Key: key })
      );
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.size(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    const { sdk, client } = await this.connect();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  /** Closes the SDK's sockets (CLI runs and tests). */
  async close(): Promise<void> {
    if (!this.ready) return;
    const { client } = await this.ready;
    client.destroy();
    this.ready = undefined;
  }
}
