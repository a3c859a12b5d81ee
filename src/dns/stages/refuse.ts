// The end of the chain: a question nothing before could answer. Until a view
// has upstreams to forward to, hearth refuses rather than pretend (RFC 8906
// §3.1.3: REFUSED is the answer for a name the server will not serve).
import { emptyResponse, Rcode, type Response } from '../message.ts';
import type { Stage } from '../pipeline.ts';

const REFUSED: Response = emptyResponse(Rcode.REFUSED, 'refused');

export const refuseStage: Stage = {
  handle: () => Promise.resolve(REFUSED),
};
