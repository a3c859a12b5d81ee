// Download progress for `hearth lists update`: a bar redrawn in place on a
// terminal, plain lines (start and end only) when the output is a file or pipe.
import type { DownloadProgress } from '../dns/blocklist/sources.ts';

const WIDTH = 30;

export function progressFor(label: string, out: NodeJS.WriteStream = process.stdout): DownloadProgress {
  if (!out.isTTY) {
    out.write(`downloading ${label}\n`);
    return () => {};
  }
  let last = 0;
  return (received, total) => {
    const now = Date.now();
    if (now - last < 100 && received !== total) return;
    last = now;
    const done = total ? Math.min(received / total, 1) : 0;
    const bar = total ? `[${'#'.repeat(Math.round(done * WIDTH)).padEnd(WIDTH)}] ${Math.round(done * 100)}%` : `${(received / 1e6).toFixed(1)} MB`;
    out.write(`\r${bar} ${label}`);
  };
}
