// Pure display helpers. Locale is pinned to en-US so the tables read the same everywhere and tests are stable.
import type { OffenderStatus } from "./types";

const count = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** 1 decimal below 10 of a unit, whole numbers above; "3.4 ms", "340 ms", "1.2 s", "2 min 5 s", "3 h 10 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const v = Math.max(0, ms);
  if (v === 0) return "0 ms";
  if (v < 0.1) return "<0.1 ms";
  if (round1(v) < 10) return `${round1(v)} ms`;
  if (Math.round(v) < 1000) return `${Math.round(v)} ms`;
  if (round1(v / 1000) < 10) return `${round1(v / 1000)} s`;
  // Round once at the coarsest unit shown so "59.6 s" becomes "1 min", not "60 s".
  const seconds = Math.round(v / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return pair(Math.floor(seconds / 60), "min", seconds % 60, "s");
  const minutes = Math.round(v / 60_000);
  if (minutes < 1440) return pair(Math.floor(minutes / 60), "h", minutes % 60, "min");
  const hours = Math.round(v / 3_600_000);
  return pair(Math.floor(hours / 24), "d", hours % 24, "h");
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function pair(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago", then a date. Future times (clock skew) count as now. */
export function formatRelative(iso: string, nowMs: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "unknown";
  const s = Math.max(0, nowMs - at) / 1000;
  if (s < 10) return "just now";
  if (s < 60) return `${Math.floor(s)} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 30 * 86_400) return `${Math.floor(s / 86_400)} d ago`;
  return new Date(at).toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric" });
}

/** Full local date and time, for tooltips and the detail page. */
export function formatDateTime(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "unknown";
  return new Date(at).toLocaleString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

export function formatCount(n: number): string {
  return Number.isFinite(n) ? count.format(n) : "–";
}

/** Medians can land between two integers ("12.5"). */
export function formatMedian(n: number): string {
  return Number.isFinite(n) ? oneDecimal.format(n) : "–";
}

/** 0..1 to a whole percentage, clamped. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return "–";
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/** Collapses all whitespace so a statement fits one table line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const STATUS_LABELS: Record<OffenderStatus, string> = {
  open: "Open",
  acknowledged: "Acknowledged",
  resolved: "Resolved",
  ignored: "Ignored",
  regressed: "Regressed",
};

export function statusLabel(status: OffenderStatus): string {
  return STATUS_LABELS[status] ?? status;
}

/** Environment lines an OpenTelemetry SDK needs to send traces to this host's OTLP/HTTP port. */
export function otlpEnvLines(hostname: string, serviceName = "my-service", port = 4318): string[] {
  const host = hostname === "" ? "localhost" : hostname.includes(":") ? `[${hostname}]` : hostname;
  return [
    `OTEL_EXPORTER_OTLP_ENDPOINT=http://${host}:${port}`,
    "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
    `OTEL_SERVICE_NAME=${serviceName}`,
  ];
}
