// An upstream DNS server as the forwarding stages see it: one URL, one way to
// exchange a message. Each transport (udp.ts, tcp.ts, tls.ts, https.ts) owns
// its connections and the message IDs on them.

export interface Upstream {
  /** The URL as configured; names the upstream in logs, metrics and answer sources. */
  readonly url: string;
  /**
   * Sends one DNS query message and resolves with the reply's bytes. The
   * transport sets the message ID it needs and only resolves with a reply
   * that matches the query (ID and question, and for UDP the server's
   * address); the reply's ID is the transport's, not the caller's. Rejects
   * when `signal` aborts (the caller's timeout) or the transport fails.
   */
  exchange(message: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  /** Closes connections and sockets; pending exchanges reject. */
  close(): void;
}

export interface UpstreamOptions {
  /** Plain DNS servers (IP addresses, port 53) that resolve hostnames in upstream URLs. */
  readonly bootstrap: readonly string[];
  /** PEM file of extra CAs to trust for tls:// and https:// (besides the system CAs). */
  readonly caFile?: string;
}

/** Where a transport connects: the URL's host and port, and the address to
 *  dial, looked up through the bootstrap servers when the host is a name. */
export interface Endpoint {
  /** As written in the URL: a hostname (SNI, certificate check, :authority) or an IP literal. */
  readonly host: string;
  readonly port: number;
  /** The IP address to connect to; cached while its DNS record is fresh. */
  address(): Promise<string>;
  /** Drops the cached address after a failure, so the next call looks it up again. */
  forget(): void;
}
