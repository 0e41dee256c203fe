// The npm-only fallback S3 server (s3rver), started by the native provider as its own process:
// node s3rver-main.mjs <port> <directory>. Plain JavaScript so it needs no TypeScript loader.
import S3rver from "s3rver";

const [port, directory] = process.argv.slice(2);
const server = new S3rver({ port: Number(port), address: "127.0.0.1", silent: true, directory });
await server.run();
process.stdout.write(`s3rver listening on 127.0.0.1:${port}, data in ${directory}\n`);
const stop = () => server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
