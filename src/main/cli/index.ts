#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { KubeApiError } from '../cluster/KubeApiError';
import { KubeconfigError } from '../cluster/kubeconfig';
import { UsageError } from '../sources/SourceCatalog';
import { contextsCommand } from './contextsCommand';
import { EXIT } from './exitCodes';
import { graphCommand } from './graphCommand';
import { serveCommand } from './serveCommand';

function wholeNumber(min: number, max: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} is a whole number from ${min} to ${max}.`);
    return n;
  };
}

const repeat = (value: string, previous: string[] = []) => [...previous, value];

const kubeconfigOption = () => new Option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)');

const sourceOptions = (command: Command) =>
  command
    .addOption(new Option('--demo', 'the bundled demo cluster'))
    .addOption(new Option('--manifests <dir>', 'a folder of YAML/JSON manifests, drawn as the cluster they would make'))
    .addOption(kubeconfigOption())
    .addOption(new Option('--context <name>', 'kubeconfig context (default: the current context)'))
    .addOption(new Option('-n, --namespace <name>', 'show only this namespace; repeat for more').argParser(repeat))
    .addHelpText('after', '\nWith no source option, Strata shows the current kubeconfig context, or the demo when there is no kubeconfig.');

function program(): Command {
  const root = new Command('strata')
    .description('Topology of Kubernetes networking: Ingress/Gateway → Service → EndpointSlice → Pod → Node.')
    .showHelpAfterError()
    .exitOverride();

  sourceOptions(root.command('serve').description('serve the Strata UI in a browser, on 127.0.0.1'))
    .option('--host <address>', 'address to listen on; anything but loopback lets other machines connect', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', wholeNumber(0, 65535, 'A port'), 0)
    .action(async (options) => {
      await serveCommand(options, process.stdout, process.stderr);
    });

  sourceOptions(root.command('graph').description('print the topology and exit'))
    .option('-o, --output <format>', 'json or dot', 'json')
    .option('--timeout <seconds>', 'how long to wait for a live context to sync', wholeNumber(1, 3600, 'A timeout'), 60)
    .action(async (options) => {
      process.exitCode = await graphCommand(options, process.stdout, process.stderr);
    });

  root
    .command('contexts')
    .description('list the kubeconfig contexts; * marks the current one')
    .addOption(kubeconfigOption())
    .action((options) => contextsCommand(options, process.stdout));

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
    // An unexpected failure also shows where it happened; a kubeconfig or cluster problem is its sentence.
    if (!(error instanceof KubeconfigError) && !(error instanceof KubeApiError) && process.env.STRATA_DEBUG) console.error(error);
    process.exitCode = EXIT.failed;
  }
}
