// The npm-only fallback S3 server (s3rver), started by the native provider as its own process:
// node s3rver-main.mjs <port> <directory>. Plain JavaScript so it needs no TypeScript loader.
// s3rver knows one built-in key pair (S3RVER/S3RVER); the stack's own pair, from the environment,
// replaces it, so a request signed with anything else is refused as on a real S3 server.
import S3rver from "s3rver";
import { DUMMY_ACCOUNT } from "s3rver/lib/models/account.js";

const [port, directory] = process.argv.slice(2);
const { S3RVER_ACCESS_KEY_ID: accessKeyId, S3RVER_SECRET_ACCESS_KEY: secretAccessKey } =
  process.env;
if (!accessKeyId || !secretAccessKey) {
  process.stderr.write(
    "s3rver-main: S3RVER_ACCESS_KEY_ID and S3RVER_SECRET_ACCESS_KEY must be set (syncbench up sets them)\n",
  );
  process.exit(2);
}
DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
DUMMY_ACCOUNT.revokeAccessKey("S3RVER");
const server = new S3rver({ port: Number(port), address: "127.0.0.1", silent: true, directory });
await server.run();
process.stdout.write(`s3rver listening on 127.0.0.1:${port}, data in ${directory}\n`);
const stop = () => server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
