// The Extended DNS Error on a blocked answer goes to every client: it names
// the list by its number, never by its path or URL, which may hold a private
// list's key or a home directory.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, dig, startHearth, type Running } from '../integration/harness.ts';

describeWith(['dig'])('a blocked answer', () => {
  let hearth: Running;
  beforeAll(async () => {
    hearth = await startHearth(
      `
dns:
  listen: ["127.0.0.1:PORT"]
  blocking: { lists: [lists/private-k3y/family.txt, lists/private-k3y/ads.txt] }
`,
      { 'lists/private-k3y/family.txt': '||games.example^\n', 'lists/private-k3y/ads.txt': '# ads\n||ads.example^\n' },
    );
  });
  afterAll(() => hearth?.stop());

  it('says which list and line by number, not where the list lives', async () => {
    const blocked = await dig(hearth.port, ['ads.example', 'A']);
    expect(blocked.status).toBe('NXDOMAIN');
    expect(blocked.raw).toMatch(/EDE: 15 \(Blocked\): \(blocked by list 2, line 2 \(ads\.example\)\)/);
    expect(blocked.raw).not.toMatch(/private-k3y|ads\.txt/);
  });
});
