/** Test-only: runs the `n1radar` command in process and collects what it printed. */
import { type Io, runCli } from "../analyze/run.js";

export async function runCliCaptured(args: string[], io: Partial<Io> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    ...io,
  });
  return { code, stdout, stderr };
}
