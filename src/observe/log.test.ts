import { describe, expect, it } from 'vitest';
import { terminalLine } from './log.ts';

describe('log lines on a terminal', () => {
  it("shows time, level, message and the event's own fields as key=value", () => {
    const time = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
    const line = terminalLine(
      JSON.stringify({ level: 40, time, pid: 1, hostname: 'pi', name: 'hearth', msg: 'peer silent', ms: 812, peer: '192.168.1.3 b' }),
      false,
    );
    expect(line).toBe('03:04:05.067 WARN  peer silent ms=812 peer="192.168.1.3 b"\n');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(terminalLine('not json\n', true)).toBe('not json\n');
  });
});
