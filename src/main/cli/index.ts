#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../sources/createSource';
import { EXIT } from './exitCodes';
import { graphCommand } from './graphCommand';
import { serveCommand } from './serveCommand';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return n;
}

const sourceOptions = (command: Command) =>
  command
    .addOption(new Option('--demo', 'the bundled demo cluster (the default when no other source is given)'))
    .addOption(new Option('--manifests <dir>', 'a folder of YAML/JSON manifests, drawn as the cluster they would make'));

function program(): Command {
  const root = new Command('strata')
    .description('Topology of Kubernetes networking: Ingress/Gateway → Service → EndpointSlice → Pod → Node.')
    .showHelpAfterError()
    .exitOverride();

  sourceOptions(root.command('serve').description('serve the Strata UI in a browser, on 127.0.0.1'))
    .option('--host <address>', 'address to listen on; anything but loopback lets other machines connect', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 0)
    .action(async (options) => {
      await serveCommand(options, process.stdout, process.stderr);
    });

  sourceOptions(root.command('graph').description('print the topology and exit'))
    .option('-o, --output <format>', 'json or dot', 'json')
    .action(async (options) => {
      process.exitCode = await graphCommand(options, process.stdout, process.stderr);
    });

  return root;
}

try {
  await program().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or help) already.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof UsageError) {
    process.stderr.write(`strata: ${error.message}\n`);
    process.exitCode = EXIT.usage;
  } else {
    process.stderr.write(`strata: ${(error as Error).message}\n`);
    process.exitCode = EXIT.failed;
  }
}
