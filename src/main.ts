#!/usr/bin/env node
// The hearth command line: run, check, lists update, ddns update.
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { Hearth } from './app.ts';
import { formatError } from './diagnostics/source-error.ts';
import { loadConfig } from './config/load.ts';
import { ConfigStore } from './config/store.ts';
import { buildResolver, resolverDeps } from './dns/resolver.ts';
import { checkConfig } from './cli/check.ts';
import { ddnsUpdate } from './cli/ddns-update.ts';
import { doctor } from './cli/doctor/doctor.ts';
import { progressFor } from './cli/progress.ts';
import { createLogger } from './observe/log.ts';
import { generatePairSecret } from './ha/secret.ts';

const USAGE = `usage: hearth <command> [-c FILE]

commands:
  run           serve DNS with the config FILE (default: the built-in config)
  check         validate the config FILE, its zone files, rule files and lists; exit 1 on any error
  doctor        check this machine for the config FILE (ports, interfaces, tools, clock, upstreams, VIP); exit 1 if one fails
  lists update  download the blocklists now (kept in data_dir for the running server's next refresh)
  ddns update   update the public DNS records now [--force: even if unchanged] [--resume: lift auth stops]
  ha keygen     print a fresh pair secret (hearth ha keygen > /etc/hearth/ha.key, the same file on both nodes)
`;

/** V8 sizes its heap for throughput: at thousands of cache misses a second the
 *  old generation grew to ~250 MB of garbage between major GCs (bench/footprint.sh:
 *  317 MB RSS for 50,000 cached answers, 159 MB with this). The flag is read each
 *  time the heap decides to grow, so set here it covers every way hearth is
 *  started. Not on the command line: there it also shrinks the young generation
 *  and trims the compiler, and cached answers came at a third of the rate
 *  (7-11k against 15-26k qps, same run), for no less RSS once compiled to dist/. */
function optimizeForSize(): void {
  setFlagsFromString('--optimize-for-size');
}

async function run(file: string | undefined): Promise<number> {
  optimizeForSize();
  const log = createLogger();
  const loaded = ConfigStore.load(file);
  if (!loaded.ok) {
    for (const error of loaded.errors) log.error(formatError(error));
    return 1;
  }
  const { store } = loaded;
  // A bug must not take the house's DNS down with it: log, keep serving.
  process.on('unhandledRejection', (error) => log.error({ err: error }, 'unhandled rejection'));
  let hearth: Hearth;
  try {
    hearth = await Hearth.start(store, log);
  } catch (error) {
    log.error({ err: error }, 'hearth could not start');
    return 1;
  }
  process.on('SIGHUP', () => {
    const again = store.reload();
    if (again.ok) void hearth.reload(again.config).catch((error: unknown) => log.error({ err: error }, 'reload failed'));
    else for (const error of again.errors) log.error(formatError(error));
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await hearth.stop();
  return 0;
}

async function check(file: string | undefined): Promise<number> {
  const { errors, warnings, notes } = await checkConfig(file);
  // Warnings do not fail the check: the zone is served without those records, as named-checkzone says OK.
  for (const warning of warnings) console.log(`${formatError(warning)} (warning)`);
  for (const error of errors) console.log(formatError(error));
  for (const note of notes) console.log(`${formatError(note)} (note: fetched at start or with "hearth lists update")`);
  if (errors.length === 0) console.log(`${file ?? '(built-in default)'}: ok`);
  return errors.length === 0 ? 0 : 1;
}

/** Downloads every URL list of the config and reports each; exit 1 when one failed. */
async function updateLists(file: string | undefined): Promise<number> {
  const loaded = loadConfig(file);
  if (!loaded.ok) {
    for (const error of loaded.errors) console.log(formatError(error));
    return 1;
  }
  const deps = resolverDeps(createLogger('silent'), loaded.config.data_dir);
  buildResolver(loaded.config.dns, deps);
  deps.upstreams.closeAll();
  const results = await deps.blocklists.refresh((url) => progressFor(url));
  let failed = 0;
  for (const [url, result] of results) {
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
    if (result.outcome === 'failed') failed++;
    console.log(
      `${url}: ${result.outcome === 'downloaded' ? `downloaded ${result.bytes} bytes` : result.outcome === 'not-modified' ? 'not modified' : `failed: ${result.error} (the saved copy stays)`}`,
    );
  }
  for (const error of deps.blocklists.errors()) console.log(formatError(error));
  if (results.size === 0) console.log('no list URLs in the config');
  return failed === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        force: { type: 'boolean' },
        resume: { type: 'boolean' },
      },
    });
  } catch (error) {
    process.stderr.write(`hearth: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [command] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'run':
      return run(values.config);
    case 'check':
      return check(values.config);
    case 'doctor':
      return doctor(values.config);
    case 'lists':
      if (positionals[1] === 'update') return updateLists(values.config);
      process.stderr.write(`hearth: unknown lists command "${positionals[1] ?? ''}"\n${USAGE}`);
      return 2;
    case 'ha':
      if (positionals[1] === 'keygen') {
        process.stdout.write(`${generatePairSecret()}\n`);
        return 0;
      }
      process.stderr.write(`hearth: unknown ha command "${positionals[1] ?? ''}"\n${USAGE}`);
      return 2;
    case 'ddns': {
      if (positionals[1] !== 'update') {
        process.stderr.write(`hearth: unknown ddns command "${positionals[1] ?? ''}"\n${USAGE}`);
        return 2;
      }
      const loaded = loadConfig(values.config);
      if (!loaded.ok) {
        for (const error of loaded.errors) console.log(formatError(error));
        return 1;
      }
      return ddnsUpdate(loaded.config, { force: values.force ?? false, resume: values.resume ?? false });
    }
    default:
      process.stderr.write(`hearth: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
