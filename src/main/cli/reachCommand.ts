import { readFile } from 'node:fs/promises';
import { formatConnectivity, parsePortQuery, workloadConnectivity, type ConnectivityFilter, type ConnectivityFormat } from '../../core/policy/connectivity';
import type { PolicyOptions } from '../../core/policy/decisions';
import { PolicyEngine } from '../../core/policy/PolicyEngine';
import { reachPath, ReachQueryError } from '../../core/policy/reachPath';
import { formatChange, parseWhatIfPolicies, previewPolicies, WhatIfError, withPolicies } from '../../core/policy/whatIf';
import { MAX_PORT, PROTOCOLS, type PortSet } from '../../core/policy/portSet';
import type { KubeObject } from '../../shared/kube';
import { REACH_OUTCOMES, type ReachQuery, type ReachResult } from '../../shared/model';
import { SourceCatalog, UsageError, type SourceOptions } from '../sources/SourceCatalog';
import { EXIT } from './exitCodes';
import { loadState } from './loadTopology';

export interface ReachOptions extends SourceOptions {
  from?: string;
  to?: string;
  port?: string;
  withPolicy?: string;
  output: string;
  explain?: boolean;
  ipblockPods: boolean;
  endport: boolean;
  timeout: number;
}

function explainText(result: ReachResult): string {
  const lines = ['Path:', ...result.hops.map((h) => `  ${h}`), 'Checks:'];
  for (const c of result.checks) {
    lines.push(`  ${c.verdict.allowed ? 'ALLOWED' : 'DENIED '} ${c.source} → ${c.destination} ${c.protocol}${c.port !== undefined ? ` ${c.port}` : ''} (${c.leg})`);
    lines.push(`    egress:  ${c.verdict.egress.explanation}`, `    ingress: ${c.verdict.ingress.explanation}`);
  }
  for (const note of result.notes) lines.push(`Note: ${note}`);
  lines.push(`Outcome: ${REACH_OUTCOMES[result.outcome].toLowerCase()}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `strata reach`: the allowed connections at workload granularity (docs/reach.md), or with
 * --explain the hop-by-hop answer to "can --from reach --to on --port?". --with-policy previews
 * policies that are not in the cluster; Strata never applies them.
 */
export async function reachCommand(options: ReachOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const format = options.output as ConnectivityFormat;
  if (!['txt', 'json', 'csv'].includes(format)) throw new UsageError(`Output format ${JSON.stringify(options.output)} is not known; use -o txt, json or csv.`);
  const ports = options.port ? parsePortQuery(options.port) : undefined;
  if (options.port && !ports) throw new UsageError(`--port ${JSON.stringify(options.port)} is not a port; write it as 8443/TCP, 53/UDP, 8000-8080/TCP or TCP.`);
  const question = options.explain ? explainQuestion(options, format, ports) : undefined;
  const whatIf = options.withPolicy ? await readWhatIf(options.withPolicy) : [];

  const source = new SourceCatalog(options.kubeconfig).fromOptions(options);
  if (source.kind === 'context' && !options.context) err.write(`strata: using the current context, ${source.label}\n`);
  const { state, notices } = await loadState(source, options.timeout * 1000);
  for (const notice of notices) err.write(`strata: ${notice.severity}: ${notice.where ? `${notice.where}: ` : ''}${notice.message}\n`);
  const partial = notices.some((n) => n.severity === 'error' || n.severity === 'warning');
  const policyOptions: PolicyOptions = { ipBlockMatchesPods: options.ipblockPods, enforceEndPort: options.endport };
  err.write(`strata: ipBlock ${policyOptions.ipBlockMatchesPods ? 'matches' : 'does not match'} pod IPs; endPort is ${policyOptions.enforceEndPort ? 'enforced' : 'ignored (port only)'}\n`);
  const engine = new PolicyEngine(state.objects, policyOptions);
  const whatIfNote = () => `strata: what-if with ${whatIf.length} polic${whatIf.length === 1 ? 'y' : 'ies'} from ${options.withPolicy} (not applied to anything)`;

  if (question) {
    // The question is answered in the state the what-if makes; the list's pair-by-pair diff has no place here.
    const judged = whatIf.length ? new PolicyEngine(withPolicies(state.objects, whatIf), policyOptions) : engine;
    warnInvalid(judged, err);
    if (whatIf.length) err.write(`${whatIfNote()}\n`);
    try {
      const result = reachPath(judged, question);
      out.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : explainText(result));
    } catch (error) {
      if (error instanceof ReachQueryError) throw new UsageError(error.message);
      throw error;
    }
    return partial ? EXIT.partialInput : EXIT.ok;
  }

  const filter: ConnectivityFilter = { ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}), ...(ports ? { ports } : {}) };
  const preview = whatIf.length ? previewPolicies(engine, whatIf, filter) : undefined;
  warnInvalid(preview?.engine ?? engine, err);
  if (preview) {
    err.write(`${whatIfNote()}: ${preview.changes.length} pair${preview.changes.length === 1 ? '' : 's'} change\n`);
    for (const change of preview.changes) err.write(`${formatChange(change)}\n`);
  }
  const list = preview?.connectivity ?? workloadConnectivity(engine, filter);
  // An empty answer to a filtered question may be a typo in the filter rather than "nothing allowed".
  if (list.length === 0 && (options.from || options.to)) err.write('strata: note: nothing listed; check that --from and --to name a workload (ns/name), a namespace or an address in this cluster state\n');
  out.write(formatConnectivity(list, format));
  return partial ? EXIT.partialInput : EXIT.ok;
}

/** The --explain question from the options: one port, or a protocol alone (every port of it is then listed per side). */
function explainQuestion(options: ReachOptions, format: ConnectivityFormat, ports: PortSet | undefined): ReachQuery {
  if (!options.from || !options.to) throw new UsageError('--explain needs --from and --to.');
  if (format === 'csv') throw new UsageError('--explain prints txt or json, not csv.');
  if (!ports) return { from: options.from, to: options.to };
  const protocols = PROTOCOLS.filter((p) => ports.get(p).length);
  const [range] = ports.get(protocols[0]);
  const wholeProtocol = range[0] === 1 && range[1] === MAX_PORT;
  if (protocols.length !== 1 || ports.get(protocols[0]).length !== 1 || (range[0] !== range[1] && !wholeProtocol)) throw new UsageError(`--explain takes one port (8443/TCP) or one protocol (UDP), not ${options.port}.`);
  return { from: options.from, to: options.to, protocol: protocols[0], ...(wholeProtocol ? {} : { port: range[0] }) };
}

async function readWhatIf(file: string): Promise<KubeObject[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--with-policy ${file} cannot be read (${error.code ?? error.message}).`);
  });
  try {
    return parseWhatIfPolicies(text, file);
  } catch (error) {
    if (error instanceof WhatIfError) throw new UsageError(error.message);
    throw error;
  }
}

function warnInvalid(engine: PolicyEngine, err: NodeJS.WritableStream): void {
  for (const policy of engine.policies) {
    if (policy.problems.length) err.write(`strata: warning: ${policy.id} would be rejected by the API server and is left out: ${policy.problems.join('; ')}\n`);
  }
}
