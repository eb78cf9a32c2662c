import { benchRetention } from "/work/wt/service/scripts/bench-retention.js";

await benchRetention({ traces: Number(process.env.T ?? 100000) });
