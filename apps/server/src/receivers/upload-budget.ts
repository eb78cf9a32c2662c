/**
 * Bytes of OTLP uploads held in memory at once (bodies still arriving, or arrived and not yet decoded), across
 * both transports and all clients, and per client. The ingest queue bounds what waits for the pipeline; this
 * bounds what is still being uploaded, so many concurrent large uploads cannot exhaust memory, and no one
 * client (one address) can take more than its share: a few uploads that declare 16 MiB and stall one byte
 * short hold at most `perClientBytes` while everyone else keeps sending. Stalled uploads are ended by the
 * transports' read deadline (UPLOAD_TIMEOUT_MS), which gives their bytes back.
 *
 * An upload larger than a limit is still admitted when nothing else holds that limit (the total, or the
 * client's share), since refusing it would make it retry forever; its size is bounded by MAX_BODY_BYTES.
 */
import { isIPv6 } from "node:net";

export class UploadBudget {
  private used = 0;
  private readonly byClient = new Map<string, number>();

  constructor(
    /** All uploads together; past it, new uploads are refused as retryable (503, UNAVAILABLE). */
    readonly totalBytes: number,
    /** One client's uploads together. */
    readonly perClientBytes: number,
  ) {}

  /** Bytes held now, all clients. */
  get usedBytes(): number {
    return this.used;
  }

  /** Bytes held now by one client. */
  heldBy(client: string): number {
    return this.byClient.get(client) ?? 0;
  }

  /** Clients holding bytes now. */
  get clients(): number {
    return this.byClient.size;
  }

  /** Whether a new upload that declares `declared` bytes may start, from its headers alone. */
  admits(client: string, declared: number): boolean {
    const mine = this.heldBy(client);
    if (this.used > 0 && this.used + declared > this.totalBytes) return false;
    return !(mine > 0 && mine + declared > this.perClientBytes);
  }

  /**
   * Charges `bytes` that just arrived for an upload already holding `own` bytes. Returns false, charging
   * nothing, when that passes the total or the client's share while others (or the client's other uploads)
   * hold part of it; the caller then refuses the upload and releases `own`.
   */
  charge(client: string, bytes: number, own: number): boolean {
    const mine = this.heldBy(client);
    if (this.used + bytes > this.totalBytes && this.used > own) return false;
    if (mine + bytes > this.perClientBytes && mine > own) return false;
    this.used += bytes;
    this.byClient.set(client, mine + bytes);
    return true;
  }

  release(client: string, bytes: number): void {
    if (bytes <= 0) return;
    this.used -= bytes;
    const left = this.heldBy(client) - bytes;
    if (left > 0) this.byClient.set(client, left);
    else this.byClient.delete(client);
  }
}

/** One client (address) may hold half the upload budget: a stalled or greedy sender leaves room for the rest. */
export function newUploadBudget(totalBytes: number): UploadBudget {
  return new UploadBudget(totalBytes, Math.floor(totalBytes / 2));
}

/**
 * The client an upload is charged to: its address, without the port, so one host's many connections share one
 * share. IPv4-mapped IPv6 addresses read as IPv4. Behind a proxy or Collector every upload is that peer's,
 * which is right: it is the one holding the sockets.
 */
export function clientOf(address: string | undefined): string {
  if (!address) return "unknown";
  let host = address;
  // grpc-js peers are "host:port" or "[v6]:port"; node sockets give the bare address.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) host = bracketed[1]!;
  else if (!isIPv6(host) && /:\d+$/.test(host)) host = host.replace(/:\d+$/, "");
  return host.startsWith("::ffff:") ? host.slice(7) : host;
}
