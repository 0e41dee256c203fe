// Every Postgres client and pool of the project is made here, with an 'error' listener attached
// before it connects. A server that goes away (FATAL 57P01 on shutdown, a crash, or
// pg_terminate_backend) emits 'error' on a client that has no query running, and an EventEmitter
// 'error' without a listener ends the process (issue 12: a Postgres crash killed every
// ChunkService). The failure still reaches the caller: the next query on that client rejects.
import pg from "pg";

export type LostConnection = (error: Error) => void;

/** A client that reports a lost connection to `onLost` instead of crashing the process. */
export function pgClient(
  config: pg.ClientConfig,
  onLost: LostConnection = () => undefined,
): pg.Client {
  const client = new pg.Client(config);
  client.on("error", onLost);
  return client;
}

/** Connects, runs `body`, and ends the client whatever happens. */
export async function withPgClient<T>(
  config: pg.ClientConfig,
  body: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = pgClient(config);
  try {
    await client.connect();
    return await body(client);
  } finally {
    await client.end().catch(() => undefined); // ending a client that never connected may reject
  }
}

/**
 * A pool whose idle clients report a lost connection to `onLost`. A client checked out of it has
 * no pool listener: `checkedOut` gives it one for the time it is out (see inTransaction).
 */
export function pgPool(config: pg.PoolConfig, onLost: LostConnection): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("error", onLost);
  return pool;
}

/**
 * Checks a client out with an 'error' listener for as long as it is out; release(broken) destroys
 * a client whose connection failed instead of handing it to the next caller.
 */
export async function checkedOut(pool: pg.Pool): Promise<{
  client: pg.PoolClient;
  lost: () => Error | undefined;
  release: (broken?: unknown) => void;
}> {
  const client = await pool.connect();
  let lostError: Error | undefined;
  const onError = (error: Error) => {
    lostError = error;
  };
  client.on("error", onError);
  return {
    client,
    lost: () => lostError,
    release: (broken) => {
      client.removeListener("error", onError);
      // pg-pool destroys a client released with a truthy error; that client is gone anyway.
      client.release(lostError ?? (broken instanceof Error ? broken : undefined));
    },
  };
}
