#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { KubeApiError } from '../cluster/KubeApiError';
import { KubeconfigError } from '../cluster/kubeconfig';
import { UsageError } from '../sources/SourceCatalog';
import { bundleExport, bundleImport } from './bundleCommands';
import { contextsCommand } from './contextsCommand';
import { diagnoseCommand } from './diagnoseCommand';
import { addHubbleOptions } from '../flows/hubbleOptions';
import { flowsImportCommand } from './flowsImportCommand';
import { recordCommand } from './recordCommand';
import { EXIT } from './exitCodes';
import { graphCommand } from './graphCommand';
import { MERMAID_NODE_LIMIT } from '../../core/view/toMermaid';
import { SVG_NODE_LIMIT } from '../../core/view/toSvg';
import { reachCommand } from './reachCommand';
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
    .addOption(new Option('--db <file>', 'a recording or bundle (strata record, strata bundle export)'))
    .addOption(kubeconfigOption())
    .addOption(new Option('--context <name>', 'kubeconfig context (default: the current context)'))
    .addOption(new Option('-n, --namespace <name>', 'show only this namespace; repeat for more').argParser(repeat))
    .addHelpText('after', '\nWith no source option, Strata shows the current kubeconfig context, or the demo when there is no kubeconfig.');

function program(): Command {
  const root = new Command('strata')
    .description('Topology of Kubernetes networking: Ingress/Gateway → Service → EndpointSlice → Pod → Node.')
    .showHelpAfterError()
    .exitOverride();

  addHubbleOptions(sourceOptions(root.command('serve').description('serve the Strata UI in a browser, on 127.0.0.1')))
    .option('--host <address>', 'address to listen on; anything but loopback lets other machines connect', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', wholeNumber(0, 65535, 'A port'), 0)
    .option('--retain <duration>', 'keep recordings started in the app this long, e.g. 7d (default: everything)')
    .option('--view <file>', 'open a saved view (.strata-view.json) or tour (.strata-tour.json): the URL printed carries it')
    .action(async (options) => {
      await serveCommand(options, process.stdout, process.stderr);
    });

  sourceOptions(root.command('graph').description('print the topology and exit'))
    .option('-o, --output <format>', `json, dot, mermaid (a flowchart for Markdown; past ${MERMAID_NODE_LIMIT} nodes pods fold into workloads, and it says so) or svg (the picture the app draws, laid out by the same code; past ${SVG_NODE_LIMIT} nodes it folds)`, 'json')
    .option('--theme <theme>', 'with -o svg: light (for documents and projectors) or dark', 'light')
    .option('--at <time>', 'with --db: the moment to draw, RFC 3339 (2026-11-23T02:13:00Z) or relative (-15m); default: the end')
    .option('--window <duration>', 'with --db: draw the traffic observed this long before --at (default 5m)')
    .option('--timeout <seconds>', 'how long to wait for a live context to sync', wholeNumber(1, 3600, 'A timeout'), 60)
    .action(async (options) => {
      process.exitCode = await graphCommand(options, process.stdout, process.stderr);
    });

  sourceOptions(root.command('diagnose').description('name what is broken between the layers, with the evidence and the fix, and profile the network stack'))
    .option('-o, --output <format>', 'txt, json or sarif (SARIF 2.1.0, with file and line for --manifests)', 'txt')
    .option('--fail-on <severity>', `exit with ${EXIT.findings} when a finding is at or above: error, warning, info or never`, 'never')
    .option('--at <time>', 'with --db: the moment to check, RFC 3339 or relative (-15m); default: the end')
    .option('--from <time>', 'with --db: list the findings that appeared or cleared from this moment…')
    .option('--to <time>', '…to this one (default: the end of the recording)')
    .option('--timeout <seconds>', 'how long to wait for a live context to sync', wholeNumber(1, 3600, 'A timeout'), 60)
    .action(async (options) => {
      process.exitCode = await diagnoseCommand(options, process.stdout, process.stderr);
    });

  sourceOptions(root.command('reach').description('list allowed connections between workloads under the policies, or explain one (--explain)'))
    .option('--at <time>', 'with --db: the moment to judge, RFC 3339 or relative (-15m); default: the end')
    .option('--from <source>', 'only from this workload (ns/name), namespace, or address')
    .option('--to <destination>', 'only to this workload, namespace or address; with --explain also a Service (ns/name) or an Ingress URL')
    .option('--port <port/proto>', 'only this port, e.g. 8443/TCP, 53/UDP, 8000-8080/TCP')
    .option('--with-policy <file>', 'what-if: judge as if these policies were applied (never applied to the cluster)')
    .option('--explain', 'explain --from → --to hop by hop (Ingress → Service → pod) with the deciding policy at each check')
    .option('--no-ipblock-pods', 'ipBlocks do not match pod IPs (as in Cilium); by default they do, as the upstream e2e suite expects')
    .option('--no-endport', 'ignore endPort, as a CNI without endPort support does; by default it is enforced')
    .option('-o, --output <format>', 'txt, json or csv', 'txt')
    .option('--timeout <seconds>', 'how long to wait for a live context to sync', wholeNumber(1, 3600, 'A timeout'), 60)
    .action(async (options) => {
      process.exitCode = await reachCommand(options, process.stdout, process.stderr);
    });

  addHubbleOptions(root.command('record'))
    .description('record a context into a recording file until stopped (Ctrl+C, SIGTERM or --duration)')
    .requiredOption('--db <file>', 'the recording to write (created when missing; appended to otherwise)')
    .addOption(kubeconfigOption())
    .addOption(new Option('--context <name>', 'kubeconfig context (default: the current context)'))
    .addOption(new Option('-n, --namespace <name>', 'record only this namespace; repeat for more').argParser(repeat))
    .option('--duration <duration>', 'stop after this long, e.g. 30m, 8h')
    .option('--retain <duration>', 'drop history older than this, e.g. 7d')
    .action(async (options) => {
      process.exitCode = await recordCommand(options, process.stderr);
    });

  const bundle = root.command('bundle').description('share a time range of a recording as one file');
  bundle
    .command('export')
    .description('write the state at --from and every change up to --to into one portable file')
    .requiredOption('--db <file>', 'the recording to read')
    .requiredOption('--from <time>', 'start: RFC 3339 or relative (-2h)')
    .requiredOption('--to <time>', 'end: RFC 3339 or relative (-15m), or now')
    .requiredOption('--out <file>', 'the bundle to write, e.g. incident.strata')
    .addOption(new Option('-n, --namespace <name>', 'only this namespace; repeat for more').argParser(repeat))
    .action((options) => bundleExport(options, process.stdout));
  bundle
    .command('import')
    .description('check a bundle and say what it holds')
    .argument('<file>', 'the bundle')
    .action((file: string) => bundleImport(file, process.stdout));

  root
    .command('flows')
    .description('observed traffic')
    .command('import')
    .description('import `hubble observe -o jsonpb` lines into a recording')
    .argument('<file>', 'the jsonpb file, or - for standard input')
    .requiredOption('--db <file>', 'the recording to add the flows to (created when missing)')
    .action(async (file: string, options: { db: string }) => {
      process.exitCode = await flowsImportCommand(file, options.db, process.stdin, process.stdout, process.stderr);
    });

  root
    .command('contexts')
    .description('list the kubeconfig contexts; * marks the current one')
    .addOption(kubeconfigOption())
    .action((options) => contextsCommand(options, process.stdout));

  return root;
}

// `strata graph | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});

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
