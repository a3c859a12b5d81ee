// Responses kept per question, so a repeated query gets the very same
// Response object and with it the wire bytes prepared for it (wire.ts).
// Bounded, because names under a wildcard or a zone are unlimited.
import type { Response } from './message.ts';
import type { Name } from './record.ts';

const MAX_ENTRIES = 10_000;

export class AnswerMemo {
  private readonly answers = new Map<string, Response>();

  get(name: Name, type: number): Response | undefined {
    return this.answers.get(`${type}/${name}`);
  }

  set(name: Name, type: number, response: Response): Response {
    // Clearing wholesale is cheaper than LRU upkeep and refills in one pass
    // over the hot names.
    if (this.answers.size >= MAX_ENTRIES) this.answers.clear();
    this.answers.set(`${type}/${name}`, response);
    return response;
  }
}
