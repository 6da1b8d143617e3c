#!/usr/bin/env node
/**
 * The `overseer` command: start | check | status | schema, and the admin clients apply |
 * params | history | restart (DESIGN §7, §11).
 * Usage errors exit 2 with the usage text; everything else maps to the codes in exit-codes.ts.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { systemJsonSchema } from '../spec/index.js';
import { runApply, runHistory, runParams, runRestart, type AdminFlags } from './admin-commands.js';
import { runCheck } from './check.js';
import { EXIT } from './exit-codes.js';
import { packageVersion } from '../shared/version.js';
import { runStart } from './start.js';
import { defaultAdminUrl, runStatus } from './status.js';
import { registerRunCommand } from '../workflows/cli/run.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`expected a port number 0-65535, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.OK;
  const envLevel = process.env.OVERSEER_LOG_LEVEL;
  if (envLevel !== undefined && !LOG_LEVELS.includes(envLevel) && argv[2] === 'start' && !argv.some((a) => a.startsWith('--log-level'))) {
    process.stderr.write(`OVERSEER_LOG_LEVEL: invalid value "${envLevel}"; expected one of ${LOG_LEVELS.join(' | ')}\n`);
    return EXIT.CONFIG;
  }
  const program = new Command('overseer')
    .description('OTP-style supervision trees for Node.js on XState v5')
    .version(packageVersion() ?? 'unknown', '-v, --version')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('start')
    .description('run a system until SIGTERM/SIGINT')
    .argument('[file]', 'system config file', 'systems/default.yaml')
    .option('--port <port>', 'admin endpoint port (0 = any free port)', port)
    .option('--host <host>', 'admin endpoint host')
    .option('--gateway-port <port>', 'gateway HTTP port, when the system has a gateway', port)
    .option('--data-dir <dir>', 'data directory')
    .option('--node <name>', 'node name (default: hostname)')
    .option('--watch', 'apply the config file to the running tree whenever it changes (SIGHUP does it once)', false)
    .option('--admin-token <token>', 'bearer token the admin write API requires (default: OVERSEER_ADMIN_TOKEN)')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default(process.env.OVERSEER_LOG_LEVEL ?? 'info'))
    .option('--pretty', 'human-readable logs instead of JSON', false)
    .action(async (file: string, flags) => {
      code = await runStart(file, flags);
    });

  program
    .command('check')
    .description('validate config files; print every problem as FILE:LINE:COL: path: message')
    .argument('<files...>', 'config files')
    .action(async (files: string[]) => {
      exitWhenDone = true;
      code = await runCheck(files);
    });

  program
    .command('status')
    .description('print the supervision tree of a running system')
    .option('--url <url>', 'admin endpoint base URL', defaultAdminUrl())
    .action(async (flags: { url: string }) => {
      code = await runStatus(flags.url);
    });

  const adminCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .option('--url <url>', 'admin endpoint base URL', defaultAdminUrl())
      .option('--token <token>', 'admin token (default: OVERSEER_ADMIN_TOKEN)');
  adminCommand('apply', 'apply a changed config file to the running system').argument('<file>', 'system config file').action(async (file: string, flags: AdminFlags) => {
    code = await runApply(file, flags);
  });
  adminCommand('params', 'show, or change with key=value (JSON values), the params of an actor')
    .argument('<path>', 'actor path, e.g. root/qnet/numbers')
    .argument('[assignments...]', 'key=value pairs (a JSON merge patch; key=null deletes)')
    .action(async (path: string, pairs: string[], flags: AdminFlags) => {
      code = await runParams(path, pairs, flags);
    });
  adminCommand('history', 'print the parameter history of an actor').argument('<path>', 'actor path').action(async (path: string, flags: AdminFlags) => {
    code = await runHistory(path, flags);
  });
  adminCommand('restart', 'restart an actor (a fresh instance)').argument('<path>', 'actor path').action(async (path: string, flags: AdminFlags) => {
    code = await runRestart(path, flags);
  });

  registerRunCommand(program, (c) => (code = c));

  program
    .command('schema')
    .description('print the JSON Schema of config files')
    .action(() => {
      process.stdout.write(JSON.stringify(systemJsonSchema(), null, 2) + '\n');
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are not errors; everything else commander rejects is a usage error
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    throw error;
  }
  return code;
}

// Backstop: if the event loop drains while a command is still pending (user code awaiting a
// promise nothing will settle), exit non-zero with a message instead of a silent 0.
let settled = false;
/** Set by check: once its verdict is printed, exit even if a checked module left handles open. */
let exitWhenDone = false;
process.on('exit', (code) => {
  if (settled || code !== 0) return;
  const command = process.argv[2];
  process.stderr.write(`overseer: ${command ?? 'the command'} stopped before finishing: nothing was left to run (a module's top-level await that never settles?)\n`);
  process.exitCode = command === 'check' || command === 'start' ? EXIT.CONFIG : EXIT.ROOT_GAVE_UP;
});

main(process.argv).then(
  (code) => {
    settled = true;
    process.exitCode = code;
    // check has printed its verdict; nothing a checked module left open (timers, sockets) may
    // keep it alive. Exit once stdout and stderr have flushed.
    if (exitWhenDone) process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  },
  (error: unknown) => {
    settled = true;
    process.stderr.write(`overseer: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
