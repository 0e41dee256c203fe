// What a notification consumer saw, judged as pure code: an event id seen twice is a duplicate; a
// version of a file that arrives after a higher version of the same file is reordered; a cursor
// An acknowledged commit whose event
// never arrived is counted apart (missing), since Kafka may still be catching up when it is read.

export interface SeenEvent {
  readonly userId: string;
  readonly eventId: string;
  readonly filePath: string;
  readonly version: number;
}

export interface EventCheck {
  readonly events: number;
  readonly duplicates: number;
  readonly reordered: number;
  /** Acknowledged versions of the consumer's users with no event seen. */
  readonly missing: number;
}

export function checkEvents(
  seen: readonly SeenEvent[],
  acked: ReadonlyArray<{ userId: string; path: string; version: number }>,
  consumerUsers: ReadonlySet<string>,
): EventCheck {
  const ids = new Set<string>();
  const highest = new Map<string, number>();
  const versions = new Set<string>();
  let duplicates = 0;
  let reordered = 0;
  for (const e of seen) {
    if (ids.has(e.eventId)) {
      duplicates++;
      continue;
    }
    ids.add(e.eventId);
    const file = `${e.userId}\u0000${e.filePath}`;
    versions.add(`${file}\u0000${e.version}`);
    const top = highest.get(file) ?? 0;
    if (e.version < top) reordered++;
    else highest.set(file, e.version);
  }
  const missing = acked.filter(
    (a) =>
      consumerUsers.has(a.userId) && !versions.has(`${a.userId}\u0000${a.path}\u0000${a.version}`),
  ).length;
  return { events: ids.size, duplicates, reordered, missing };
}
