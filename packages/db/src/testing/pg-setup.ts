/** vitest globalSetup: starts the run's PostgreSQL cluster and tells the tests its URL (inject("pgUrl")). */
import type { TestProject } from "vitest/node";
import { startPgCluster } from "../pg-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPgCluster({ root: process.env.POSTGRES_ROOT || undefined });
  project.provide("pgUrl", cluster.url);
  return () => cluster.stop();
}
