#!/usr/bin/env node
/** The `n1radar` command (bin in package.json); `npm run analyze -- <file>` at the repository root. */
import { runCli } from "./analyze/run.js";

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  columns: process.stdout.columns,
});
