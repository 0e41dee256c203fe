// MetadataDb in memory, for fast unit tests of the services. Same semantics as the Postgres
// adapter, checked by the same contract suite: optimistic version commits, ref counts per version,
// an outbox per shard, paths ordered by their UTF-8 bytes (Postgres COLLATE "C").
import {
  findMissingHashesMax,
  gcBatchRowsMax,
  listPageRowsMax,
  shardCount,
  type BlockLease,
  type BlockRecord,
  type CommitInput,
  type CommitResult,
  type ExpireVersionsInput,
  type ExpireVersionsResult,
  type FileChangedEvent,
  type FileRecord,
  type ListPage,
  type MetadataDb,
  type OutboxRow,
  type RefCountMismatch,
  type SupersededVersion,
  type VersionRecord,
  versionListRowsMax,
} from "./metadata-db.port.ts";
import { checkSameCommit } from "./metadata-db.pg-sql.ts";
import { migrations } from "./migrations/index.ts";
import {
  checkCommitInput,
  checkGcLimit,
  checkHashes,
  checkListLimit,
  blockBeingDeleted,
  checkShardIndex,
  checkSuperseded,
} from "./metadata-db.validate.ts";
import { shardIndexOf } from "./shard-router.ts";

interface MutableBlock {
  sizeBytes: number;
  refCount: number;
  deleteAfterMs: number | undefined;
  deletingSinceMs?: number | undefined;
}

const isDeleting = (b: MutableBlock | undefined) => b?.deletingSinceMs !== undefined;
const fileKey = (userId: string, path: string) => `${userId}\u0000${path}`;

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class MemoryMetadataDb implements MetadataDb {
  private readonly blocks = new Map<string, MutableBlock>();
  private readonly files = new Map<string, FileRecord>();
  private readonly outbox = new Map<
    number,
    Array<OutboxRow & { sent: boolean; claimedUntilMs?: number; claimedBy?: number }>
  >();
  private nextClaimId = 1;
  private nextOutboxId = 1;
  private readonly owners = new Map<string, Set<string>>();
  /** Superseded versions queued for expiry, per shard, by user, path and version. */
  private readonly expiryQueue = new Map<number, Map<string, SupersededVersion>>();
  /** Each file's versions, oldest first, by user and path. */
  private readonly history = new Map<string, VersionRecord[]>();
  private readonly commitsByEvent = new Map<
    string,
    { userId: string; event: FileChangedEvent; shardIndex: number }
  >();
  private migrated = false;

  /** outboxLeaseMs: how long a drain's claim on outbox rows lasts (as in the Postgres adapter). */
  constructor(private readonly options: { outboxLeaseMs?: number } = {}) {}

  async migrate(): Promise<{ applied: number[] }> {
    const applied = this.migrated ? [] : migrations.map((m) => m.version);
    this.migrated = true;
    return { applied };
  }

  async appliedMigrations(): Promise<number[]> {
    return this.migrated ? migrations.map((m) => m.version) : [];
  }

  async findMissingBlocks(hashes: readonly string[], lease?: BlockLease): Promise<string[]> {
    checkHashes(hashes, findMissingHashesMax);
    const distinct = [...new Set(hashes)];
    for (const hash of lease ? distinct : []) {
      const block = this.blocks.get(hash);
      if (block && block.refCount === 0 && !isDeleting(block)) {
        const until = (lease as BlockLease).nowMs + (lease as BlockLease).graceMs;
        block.deleteAfterMs = Math.max(block.deleteAfterMs ?? 0, until);
      }
    }
    return distinct.filter((h) => !this.blocks.has(h) || isDeleting(this.blocks.get(h)));
  }

  async recordBlock(input: {
    hash: string;
    sizeBytes: number;
    nowMs: number;
    graceMs: number;
  }): Promise<void> {
    checkHashes([input.hash], 1);
    const block = this.blocks.get(input.hash);
    if (isDeleting(block)) throw blockBeingDeleted(input.hash);
    const deleteAfterMs = input.nowMs + input.graceMs;
    if (!block)
      this.blocks.set(input.hash, { sizeBytes: input.sizeBytes, refCount: 0, deleteAfterMs });
    else if (block.refCount === 0)
      block.deleteAfterMs = Math.max(block.deleteAfterMs ?? 0, deleteAfterMs);
  }

  async blockSizes(hashes: readonly string[]): Promise<Map<string, number>> {
    checkHashes(hashes, findMissingHashesMax);
    const sizes = new Map<string, number>();
    for (const hash of hashes) {
      const block = this.blocks.get(hash);
      if (block) sizes.set(hash, block.sizeBytes);
    }
    return sizes;
  }

  async getBlock(hash: string): Promise<BlockRecord | undefined> {
    checkHashes([hash], 1);
    const block = this.blocks.get(hash);
    return block && { hash, ...block };
  }

  async commitVersion(input: CommitInput): Promise<CommitResult> {
    checkCommitInput(input);
    const earlier = this.commitsByEvent.get(input.eventId);
    if (earlier) {
      checkSameCommit(earlier.userId, earlier.event, input);
      return {
        ok: true,
        version: earlier.event.version,
        shardIndex: earlier.shardIndex,
        replayed: true,
      };
    }
    const key = `${input.userId}\u0000${input.path}`;
    const current = this.files.get(key)?.version ?? 0;
    if (current !== input.baseVersion)
      return { ok: false, reason: "conflict", currentVersion: current };
    const distinct = [...new Set(input.blockHashes)];
    const missing = distinct.filter((h) => !this.blocks.has(h) || isDeleting(this.blocks.get(h)));
    if (missing.length > 0) return { ok: false, reason: "missing-blocks", missing };
    for (const hash of distinct) {
      const block = this.blocks.get(hash) as MutableBlock;
      block.refCount += 1;
      block.deleteAfterMs = undefined;
    }
    const version = current + 1;
    const shardIndex = shardIndexOf(input.userId);
    const history = this.history.get(key) ?? [];
    history.push({
      version,
      sizeBytes: input.sizeBytes,
      blockHashes: [...input.blockHashes],
      changeType: input.changeType,
      createdAtMs: input.nowMs,
    });
    this.history.set(key, history);
    this.files.set(key, {
      userId: input.userId,
      path: input.path,
      version,
      sizeBytes: input.sizeBytes,
      blockHashes: [...input.blockHashes],
      deleted: input.changeType === "delete",
      updatedAtMs: input.nowMs,
    });
    const event: FileChangedEvent = {
      eventId: input.eventId,
      userId: input.userId,
      filePath: input.path,
      version,
      changeType: input.changeType,
      blockHashes: [...input.blockHashes],
      timestampMs: input.nowMs,
    };
    const rows = this.outbox.get(shardIndex) ?? [];
    rows.push({
      outboxId: this.nextOutboxId++,
      shardIndex,
      createdAtMs: input.nowMs,
      sent: false,
      event,
    });
    this.outbox.set(shardIndex, rows);
    this.commitsByEvent.set(input.eventId, { userId: input.userId, event, shardIndex });
    await this.grantBlocks(input.userId, distinct);
    return { ok: true, version, shardIndex };
  }

  async getFile(userId: string, path: string): Promise<FileRecord | undefined> {
    return this.files.get(`${userId}\u0000${path}`);
  }

  async listFiles(
    userId: string,
    options: { afterPath?: string; prefix?: string; limit: number },
  ): Promise<ListPage> {
    checkListLimit(options.limit, listPageRowsMax);
    const after = options.afterPath ?? "";
    const prefix = options.prefix ?? "";
    const all = [...this.files.values()]
      .filter((f) => f.userId === userId && byUtf8(f.path, after) > 0 && f.path.startsWith(prefix))
      .sort((a, b) => byUtf8(a.path, b.path));
    const files = all.slice(0, options.limit);
    return {
      files,
      nextAfterPath: all.length > options.limit ? files[files.length - 1]?.path : undefined,
    };
  }

  async getVersion(
    userId: string,
    path: string,
    version: number,
  ): Promise<VersionRecord | undefined> {
    return this.history.get(`${userId}\u0000${path}`)?.find((v) => v.version === version);
  }

  async listVersions(userId: string, path: string, limit: number): Promise<VersionRecord[]> {
    checkListLimit(limit, versionListRowsMax);
    return [...(this.history.get(`${userId}\u0000${path}`) ?? [])].reverse().slice(0, limit);
  }

  async ownedBlocks(userId: string, hashes: readonly string[]): Promise<string[]> {
    checkHashes(hashes, findMissingHashesMax);
    const owned = this.owners.get(userId);
    return [...new Set(hashes)].filter((h) => owned?.has(h) === true);
  }

  async grantBlocks(userId: string, hashes: readonly string[]): Promise<void> {
    checkHashes(hashes, findMissingHashesMax);
    const owned = this.owners.get(userId) ?? new Set<string>();
    hashes.forEach((h) => owned.add(h));
    this.owners.set(userId, owned);
  }

  async drainOutbox(
    shardIndex: number,
    limit: number,
    publish: (rows: readonly OutboxRow[]) => Promise<void>,
    nowMs: number,
  ): Promise<number> {
    // Claim, publish, mark, as the Postgres adapter: an earlier row under a live claim leaves the
    // shard to its holder (order per shard); a failed publish gives the claim back at once.
    const pending = (this.outbox.get(shardIndex) ?? []).filter((r) => !r.sent).slice(0, limit);
    if (pending.length === 0 || pending.some((r) => (r.claimedUntilMs ?? -Infinity) > nowMs))
      return 0;
    const claimId = this.nextClaimId++;
    for (const row of pending)
      Object.assign(row, {
        claimedUntilMs: nowMs + (this.options.outboxLeaseMs ?? 30_000),
        claimedBy: claimId,
      });
    try {
      await publish(pending.map(({ sent: _s, claimedUntilMs: _u, claimedBy: _b, ...row }) => row));
    } catch (error) {
      for (const row of pending) {
        if (row.claimedBy === claimId && !row.sent)
          Object.assign(row, { claimedUntilMs: undefined, claimedBy: undefined });
      }
      throw error;
    }
    for (const row of pending)
      Object.assign(row, { sent: true, claimedUntilMs: undefined, claimedBy: undefined });
    return pending.length;
  }

  async refCountMismatches(
    limit: number,
  ): Promise<{ blocksChecked: number; mismatches: RefCountMismatch[] }> {
    const refs = new Map<string, number>();
    for (const hashes of this.versionHashes())
      for (const h of hashes) refs.set(h, (refs.get(h) ?? 0) + 1);
    const hashes = [...new Set([...this.blocks.keys(), ...refs.keys()])].sort();
    const mismatches = hashes
      .map((hash) => ({
        hash,
        refCount: this.blocks.get(hash)?.refCount,
        referencingVersions: refs.get(hash) ?? 0,
      }))
      .filter((m) => m.refCount !== m.referencingVersions)
      .slice(0, limit);
    return { blocksChecked: this.blocks.size, mismatches };
  }

  async referencedBlocks(afterHash: string, limit: number): Promise<string[]> {
    return [...new Set(this.versionHashes().flat())]
      .filter((h) => h > afterHash)
      .sort()
      .slice(0, limit);
  }

  async staleOutbox(
    shardIndex: number,
    createdBeforeMs: number,
    limit: number,
  ): Promise<OutboxRow[]> {
    return (await this.readOutbox(shardIndex, Number.MAX_SAFE_INTEGER))
      .filter((r) => r.createdAtMs < createdBeforeMs)
      .slice(0, limit);
  }

  async shardsWithUnsentEvents(): Promise<number[]> {
    return [...this.outbox]
      .filter(([, rows]) => rows.some((r) => !r.sent))
      .map(([shard]) => shard)
      .sort((a, b) => a - b);
  }

  async readOutbox(shardIndex: number, limit: number): Promise<OutboxRow[]> {
    return (this.outbox.get(shardIndex) ?? [])
      .filter((r) => !r.sent)
      .slice(0, limit)
      .map(({ sent: _sent, claimedUntilMs: _until, claimedBy: _by, ...row }) => row);
  }

  async markOutboxSent(
    shardIndex: number,
    outboxIds: readonly number[],
    _nowMs?: number,
  ): Promise<void> {
    const ids = new Set(outboxIds);
    for (const row of this.outbox.get(shardIndex) ?? []) if (ids.has(row.outboxId)) row.sent = true;
  }

  /** Every live version's distinct block hashes (what the file_versions table holds). */
  private versionHashes(): string[][] {
    return [...this.history.values()].flat().map((v) => [...new Set(v.blockHashes)]);
  }

  async queueVersionExpiry(versions: readonly SupersededVersion[]): Promise<void> {
    checkSuperseded(versions, gcBatchRowsMax);
    for (const v of versions) {
      const shard = shardIndexOf(v.userId);
      const queue = this.expiryQueue.get(shard) ?? new Map<string, SupersededVersion>();
      const key = `${fileKey(v.userId, v.path)}\u0000${v.version}`;
      if (!queue.has(key)) queue.set(key, { ...v });
      this.expiryQueue.set(shard, queue);
    }
  }

  async expireVersions(
    shardIndex: number,
    input: ExpireVersionsInput,
  ): Promise<ExpireVersionsResult> {
    checkShardIndex(shardIndex, shardCount);
    checkGcLimit(input.limit, gcBatchRowsMax);
    const queue = this.expiryQueue.get(shardIndex) ?? new Map<string, SupersededVersion>();
    const due = [...queue]
      .filter(([, v]) => v.supersededAtMs < input.supersededBeforeMs)
      .sort(([, a], [, b]) => a.supersededAtMs - b.supersededAtMs)
      .slice(0, input.limit);
    let versionsExpired = 0,
      refsReleased = 0,
      blocksOrphaned = 0;
    for (const [key, v] of due) {
      queue.delete(key);
      const history = this.history.get(fileKey(v.userId, v.path)) ?? [];
      const current = this.files.get(fileKey(v.userId, v.path))?.version ?? 0;
      const index = history.findIndex((r) => r.version === v.version);
      if (index < 0 || v.version >= current) continue; // gone already, or (never) current
      const [expired] = history.splice(index, 1);
      versionsExpired += 1;
      for (const hash of new Set(expired?.blockHashes ?? [])) {
        const block = this.blocks.get(hash);
        if (!block || block.refCount === 0) continue;
        block.refCount -= 1;
        refsReleased += 1;
        if (block.refCount === 0) {
          block.deleteAfterMs = input.nowMs + input.graceMs;
          blocksOrphaned += 1;
        }
      }
    }
    return { versionsExpired, refsReleased, blocksOrphaned };
  }

  private dueOrDeleting(nowMs: number): Array<[string, MutableBlock]> {
    return [...this.blocks].filter(
      ([, b]) =>
        b.refCount === 0 &&
        (isDeleting(b) || (b.deleteAfterMs !== undefined && b.deleteAfterMs <= nowMs)),
    );
  }

  async gcCandidates(nowMs: number, limit: number): Promise<BlockRecord[]> {
    checkGcLimit(limit, gcBatchRowsMax);
    const order = (b: MutableBlock) => b.deletingSinceMs ?? b.deleteAfterMs ?? 0;
    return this.dueOrDeleting(nowMs)
      .sort(([ha, a], [hb, b]) => order(a) - order(b) || (ha < hb ? -1 : 1))
      .slice(0, limit)
      .map(([hash, b]) => ({ hash, ...b }));
  }

  async beginBlockDeletion(hashes: readonly string[], nowMs: number): Promise<string[]> {
    checkHashes(hashes, gcBatchRowsMax);
    const due = new Map(this.dueOrDeleting(nowMs));
    const marked: string[] = [];
    for (const hash of new Set(hashes)) {
      const block = due.get(hash);
      if (!block) continue;
      block.deletingSinceMs ??= nowMs;
      marked.push(hash);
    }
    return marked;
  }

  async finishBlockDeletion(hashes: readonly string[]): Promise<number> {
    checkHashes(hashes, gcBatchRowsMax);
    let deleted = 0;
    for (const hash of new Set(hashes)) {
      if (!isDeleting(this.blocks.get(hash))) continue;
      this.blocks.delete(hash);
      deleted += 1;
    }
    return deleted;
  }

  async overdueBlocks(deleteAfterBeforeMs: number, limit: number): Promise<BlockRecord[]> {
    checkGcLimit(limit, gcBatchRowsMax);
    return [...this.blocks]
      .filter(
        ([, b]) =>
          b.refCount === 0 &&
          b.deleteAfterMs !== undefined &&
          b.deleteAfterMs < deleteAfterBeforeMs,
      )
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([hash, b]) => ({ hash, ...b }));
  }

  async close(): Promise<void> {}
}
