// Responses kept per question, so a repeated query gets the very same
// Response object and with it the wire bytes prepared for it (wire.ts).
// Bounded, because names under a wildcard or a zone are unlimited: a flood
// of random blocked names fills it with answers of ~1 KB each (EDE text,
// prepared bytes), so it keeps about a house's working set, not 10,000.
import type { Response } from './message.ts';
import type { Name } from './record.ts';

const MAX_ENTRIES = 2000;

export class AnswerMemo {
  /** type → name → response: no key string to build per query. */
  private readonly byType = new Map<number, Map<Name, Response>>();
  private size = 0;

  get(name: Name, type: number): Response | undefined {
    return this.byType.get(type)?.get(name);
  }

  set(name: Name, type: number, response: Response): Response {
    // Clearing wholesale is cheaper than LRU upkeep and refills in one pass
    // over the hot names.
    if (this.size >= MAX_ENTRIES) {
      this.byType.clear();
      this.size = 0;
    }
    let names = this.byType.get(type);
    if (!names) this.byType.set(type, (names = new Map()));
    if (!names.has(name)) this.size++;
    names.set(name, response);
    return response;
  }
}
