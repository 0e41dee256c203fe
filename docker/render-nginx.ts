// Prints the nginx.conf that docker/compose.yaml mounts, rendered from the same template as the
// native and testcontainers stacks: npx tsx docker/render-nginx.ts > docker/nginx.conf
import { renderContainerNginxConf } from "../reference-impl/stack/testcontainers/testcontainers-config.ts";

process.stdout.write(renderContainerNginxConf());
