// The built dashboard lives in ./dist; the server serves it from this directory.
import { fileURLToPath } from "node:url";

export const dashboardDir = fileURLToPath(new URL("./dist", import.meta.url));
