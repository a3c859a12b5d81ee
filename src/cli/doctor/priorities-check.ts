// The two nodes' ha.priority differ. Equal priorities still elect one master
// (the tie goes to the higher address), but which node that is then depends
// on addresses rather than on the user's choice, and a preempting pair whose
// ranks differ only by address flaps more: it is a ✗ because a config copied
// from the other node unchanged is the usual cause, and it is one line to fix.
import { note, fail, ok, type DoctorCheck } from './finding.ts';
import { askRunningPair } from './running-pair.ts';

export const prioritiesCheck: DoctorCheck = async ({ config }) => {
  if (!config.ha.enabled || config.ha.peers.length === 0) return [];
  const pair = await askRunningPair(config);
  if ('unknown' in pair) return [note(`can't tell the peer's priority: ${pair.unknown}`)];
  const [peer] = pair.peers;
  if (!peer) return [note("can't tell the peer's priority: the running hearth has heard no advert from it yet")];
  const own = pair.priority.configured;
  if (peer.priority !== own) return [ok(`the priorities differ: this node ${own}, the peer ${peer.node_id} ${peer.priority}`)];
  return [
    fail(
      `this node and the peer ${peer.node_id} both have priority ${own}`,
      'give the node that should be master the higher ha.priority (e.g. 150 and 100): with equal ones the tie goes to the higher address, and preempt flaps less with distinct priorities',
    ),
  ];
};
