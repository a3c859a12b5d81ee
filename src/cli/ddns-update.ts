// `hearth ddns update [--force] [--resume]`: one run of the dynamic DNS
// updater from the command line, sharing data_dir/state.db with a running
// hearth (each run reads the state afresh), and a line per record and family.
import type { Config } from '../config/schema.ts';
import type { DdnsStatus } from '../ddns/status.ts';
import { DdnsUpdater, type UpdateNowOptions } from '../ddns/updater.ts';
import { createLogger } from '../observe/log.ts';

/** Exit 0 when every record is up to date, 1 when one failed or is stopped. */
export async function ddnsUpdate(config: Config, options: UpdateNowOptions): Promise<number> {
  if (config.ddns.records.length === 0) {
    console.log('no ddns records in the config');
    return 0;
  }
  const updater = await DdnsUpdater.open({ config: config.ddns, dataDir: config.data_dir, log: createLogger('warn') });
  try {
    const status = await updater.updateNow(options);
    for (const line of statusLines(status)) console.log(line);
    return status.records.every(
      (record) =>
        record.stopped === null &&
        [record.v4, record.v6].every((family) => !family?.lastResult || ['updated', 'unchanged', 'no-address'].includes(family.lastResult.kind)),
    )
      ? 0
      : 1;
  } finally {
    await updater.close();
  }
}

function statusLines(status: DdnsStatus): string[] {
  const lines: string[] = [];
  for (const [family, detected] of [
    ['IPv4', status.addresses.v4],
    ['IPv6', status.addresses.v6],
  ] as const) {
    if (detected) lines.push(`${family} address: ${detected.address ?? 'none'} (${detected.detail})`);
  }
  for (const record of status.records) {
    const who = `${record.name} (${record.provider})`;
    if (record.stopped) lines.push(`${who}: STOPPED since ${record.stopped.since}: ${record.stopped.reason}`);
    for (const [family, state] of [
      ['A', record.v4],
      ['AAAA', record.v6],
    ] as const) {
      const result = state?.lastResult;
      if (!state || !result) continue;
      const retry = state.retryAt ? `, next try ${state.retryAt}` : '';
      lines.push(`${who} ${family}: ${result.kind}${state.address ? ` ${state.address}` : ''}${result.message ? `: ${result.message}` : ''}${retry}`);
    }
  }
  return lines;
}
