// The pair's secret can be read and is long enough: without it the nodes
// drop each other's adverts and both hold the VIP.
import { readPairSecret } from '../../ha/secret.ts';
import { fail, ok, type DoctorCheck } from './finding.ts';

export const pairSecretCheck: DoctorCheck = async ({ config }) => {
  const { ha } = config;
  if (!ha.enabled) return [];
  if (ha.secret_file === undefined) {
    return [fail('ha.secret_file is not set', 'hearth ha keygen > /etc/hearth/ha.key on one node, copy it to the other, and name it in ha.secret_file')];
  }
  try {
    return [ok(`the pair's secret ${ha.secret_file} holds ${readPairSecret(ha.secret_file).length} bytes`)];
  } catch (error) {
    const message = (error as Error).message;
    const hint = /EACCES/.test(message)
      ? 'run "sudo hearth doctor" (the file is for the hearth user only)'
      : 'hearth ha keygen > FILE on one node, then copy FILE to the other';
    return [fail(`the pair's secret: ${message}`, hint)];
  }
};
