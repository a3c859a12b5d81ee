// One node of the pair for bench/sync.ts: hearth with the config file given,
// as master or backup (the election's decision, fixed for the bench). Prints
// "ready" once started; stops on SIGTERM.
import { ConfigStore } from '../src/config/store.ts';
import { Hearth } from '../src/app.ts';
import { createLogger } from '../src/observe/log.ts';
import { FixedRole } from '../test/support/pair.ts';

const [file, state] = process.argv.slice(2);
if (!file || (state !== 'master' && state !== 'backup')) throw new Error('usage: sync-node.ts CONFIG master|backup');
const loaded = ConfigStore.load(file);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const hearth = await Hearth.start(loaded.store, createLogger(process.env.HEARTH_LOG_LEVEL ?? 'warn'), { role: new FixedRole(state) });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void hearth.stop().then(() => process.exit(0)));
