import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommandDetector, firstAddress } from './command.ts';

describe('the address a command prints', () => {
  it('takes the first global address of each family from one run', async () => {
    const detector = new CommandDetector(['echo', 'lan 192.168.1.1 wan 93.184.216.34 v6 2a01:4f8::1/64'], 5000);
    const [v4, v6] = await Promise.all([detector.detect(4), detector.detect(6)]);
    expect(v4).toMatchObject({ kind: 'found', address: '93.184.216.34' });
    expect(v6).toMatchObject({ kind: 'found', address: '2a01:4f8::1' });
  });

  it('finds nothing when the command fails, prints no public address, or runs too long', async () => {
    expect(await new CommandDetector(['/bin/sh', '-c', 'echo oops >&2; exit 3'], 5000).detect(4)).toEqual({
      kind: 'missing',
      reason: 'command ["/bin/sh","-c","echo oops >&2; exit 3"] failed (oops)',
    });
    expect(await new CommandDetector(['echo', '10.0.0.1'], 5000).detect(4)).toEqual({
      kind: 'missing',
      reason: 'command ["echo","10.0.0.1"] printed no global IPv4 address',
    });
    expect(await new CommandDetector(['sleep', '5'], 100).detect(4)).toEqual({ kind: 'missing', reason: 'command ["sleep","5"] ran longer than 100 ms' });
  });

  it('runs the words as they are, never through a shell', async () => {
    const marker = `/tmp/hearth-no-shell-${process.pid}`;
    const detection = await new CommandDetector(['echo', '93.184.216.34;', 'touch', marker], 5000).detect(4);
    expect(detection).toMatchObject({ kind: 'found', address: '93.184.216.34' });
    expect(existsSync(marker)).toBe(false);
  });

  it('reads addresses out of the usual tool outputs', () => {
    expect(firstAddress('    inet 93.184.216.34/24 brd 93.184.216.255 scope global eth0', 4)).toBe('93.184.216.34');
    expect(firstAddress('{"ip":"93.184.216.34"}', 4)).toBe('93.184.216.34');
    expect(firstAddress('Address: 93.184.216.34.', 4)).toBe('93.184.216.34');
    expect(firstAddress('inet6 2a01:4f8::1/64 scope global dynamic mngtmpaddr', 6)).toBe('2a01:4f8::1');
    expect(firstAddress('addr:93.184.216.34', 4)).toBe('93.184.216.34');
  });
});
