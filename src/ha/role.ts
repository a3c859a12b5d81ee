// The pair's roles as the rest of hearth sees them: the election (election.ts)
// decides, and everything that must follow it (the VIP, the DHCP server, the
// sync channel's direction) subscribes here instead of asking the election.

/** RFC 5798 §6.4's states: Initialize, Backup, Master. */
export type HaState = 'init' | 'backup' | 'master';

export interface PairRole {
  /** This node's state now. */
  readonly state: HaState;
  /** Called on every transition, after the node has acted on it (VIP added
   *  or removed); returns a function that unsubscribes. */
  onTransition(listener: (to: HaState, reason: string) => void): () => void;
}
