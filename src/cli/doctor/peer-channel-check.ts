// The peer answers on the sync channel and proves it holds the same pair
// secret: the TLS 1.3 PSK handshake the sync makes (ha/sync/channel.ts)
// succeeds only when both keys match. The connection is closed at once; a
// running pair sees one brief reconnect of its sync.
import { channelKey, dialChannel } from '../../ha/sync/channel.ts';
import { readPairSecret } from '../../ha/secret.ts';
import { createLogger } from '../../observe/log.ts';
import { parseListenAddress } from '../../values/listen-address.ts';
import { fail, ok, type DoctorCheck } from './finding.ts';

const HANDSHAKE_MS = 3_000;
/** Errors that mean no one is listening or reachable there, rather than a refused handshake. */
const UNREACHABLE = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|timed out|EADDRNOTAVAIL/;

export const peerChannelCheck: DoctorCheck = async ({ config }) => {
  const { ha } = config;
  const [peerText] = ha.peers;
  if (!ha.enabled || peerText === undefined || ha.secret_file === undefined) return [];
  const peer = parseListenAddress(peerText, 5399);
  if (!peer) return [];
  let key: Buffer;
  try {
    key = channelKey(readPairSecret(ha.secret_file));
  } catch {
    return []; // the pair-secret check says why
  }
  try {
    const socket = await dialChannel({ key, log: createLogger('silent'), host: peer.host, port: peer.port, handshakeMs: HANDSHAKE_MS });
    socket.destroy();
    return [ok(`the peer ${peerText} answers on the sync channel with the pair's secret`)];
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    if (UNREACHABLE.test(message)) {
      return [
        fail(
          `the peer ${peerText} does not answer on the sync channel: ${message}`,
          `is hearth running there (systemctl status hearth), does its ha.listen say ${peerText}, and does a firewall let TCP ${peer.port} through?`,
        ),
      ];
    }
    return [
      fail(
        `the peer ${peerText} refused the sync channel's handshake: ${message}`,
        "the two nodes' ha.secret_file differ (copy the file from one node to the other), or this node's address is not in the peer's ha.peers",
      ),
    ];
  }
};
