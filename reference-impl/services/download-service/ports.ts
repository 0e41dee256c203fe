// What the DownloadService needs from the outside, as ports: main.ts passes the Postgres and S3
// adapters and the S3 presigner; tests pass the memory adapters and a ManualClock.
import type { Clock } from "../../runtime/clock.ts";
import type { BlockStore } from "../../stores/block-store/block-store.port.ts";
import type { MetadataDb } from "../../stores/metadata-db/metadata-db.port.ts";

/** Presigned S3 GET URLs for blocks (the path that bypasses the CDN: `?via=s3`). */
export interface BlockPresigner {
  presignGet(hash: string, expiresInS: number): Promise<string>;
}

export interface DownloadServicePorts {
  readonly metadataDb: MetadataDb;
  readonly blockStore: BlockStore;
  readonly clock: Clock;
  /** Absent: `?via=s3` is refused (VIA_UNAVAILABLE). */
  readonly presigner?: BlockPresigner;
}

export interface DownloadServiceSettings {
  readonly jwtSecret: string;
  /** HMAC key of the block URLs (shared by every DownloadService process and the edge's check). */
  readonly blockUrlKey: string;
  /** How long an issued block URL stays valid. */
  readonly blockUrlTtlS: number;
  /**
   * Base of the block URLs, e.g. http://127.0.0.1:8081 (the CDN edge); undefined: no CDN, block
   * URLs are presigned S3 URLs.
   */
  readonly cdnBaseUrl: string | undefined;
  /** Names this process in the X-Served-By response header (which pool answered). */
  readonly podId: string;
}
