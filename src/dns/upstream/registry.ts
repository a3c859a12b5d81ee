// Upstreams outlive a config reload: the registry hands out one Upstream per
// URL (and bootstrap/CA settings), so views that share a server share its
// connections, and a reload that keeps a server keeps its warm DoH session.
import { createUpstream } from './create.ts';
import type { Upstream, UpstreamOptions } from './upstream.ts';

export class UpstreamRegistry {
  private readonly upstreams = new Map<string, Upstream>();

  get(url: string, options: UpstreamOptions): Upstream {
    const key = JSON.stringify([url, options.bootstrap, options.caFile ?? null]);
    let upstream = this.upstreams.get(key);
    if (!upstream) {
      upstream = createUpstream(url, options);
      this.upstreams.set(key, upstream);
    }
    return upstream;
  }

  /** Closes every upstream not in `used` (those a new config dropped). */
  retain(used: ReadonlySet<Upstream>): void {
    for (const [key, upstream] of this.upstreams) {
      if (!used.has(upstream)) {
        upstream.close();
        this.upstreams.delete(key);
      }
    }
  }

  closeAll(): void {
    this.retain(new Set());
  }
}
