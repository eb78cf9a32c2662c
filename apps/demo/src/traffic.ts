/**
 * The demo's traffic: every endpoint of the blog, with its N+1 and fixed, in rounds until a deadline, gently (a
 * pause between rounds) since it shares the machine with n1radar.
 */
export const ENDPOINTS: { method: "GET" | "POST"; path: string }[] = [
  { method: "GET", path: "/posts" },
  { method: "GET", path: "/authors" },
  { method: "GET", path: "/feed" },
  { method: "GET", path: "/posts/popular" },
  { method: "GET", path: "/comments/recent" },
  { method: "POST", path: "/posts/views" },
  { method: "POST", path: "/tags/3/posts" },
];

export interface TrafficStats {
  requests: number;
  failures: number;
}

export interface TrafficOptions {
  pauseMs?: number;
  stopped?: () => boolean;
  onRound?: (stats: TrafficStats) => void;
}

/** Sends rounds of requests to `/x` and `/fixed/x` for each endpoint until `until` (ms since epoch) or `stopped()`. */
export async function driveTraffic(
  baseUrl: string,
  until: number,
  { pauseMs = 200, stopped = () => false, onRound = () => {} }: TrafficOptions = {},
): Promise<TrafficStats> {
  const stats: TrafficStats = { requests: 0, failures: 0 };
  while (Date.now() < until && !stopped()) {
    for (const { method, path } of ENDPOINTS)
      for (const prefix of ["", "/fixed"]) {
        stats.requests++;
        try {
          const res = await fetch(`${baseUrl}${prefix}${path}`, { method });
          await res.arrayBuffer();
          if (!res.ok) stats.failures++;
        } catch {
          stats.failures++;
        }
      }
    onRound(stats);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return stats;
}
