import { readFile } from 'node:fs/promises';
import { formatConnectivity, parsePortQuery, workloadConnectivity, type ConnectivityFilter, type ConnectivityFormat } from '../../core/policy/connectivity';
import { PolicyEngine, type PolicyOptions } from '../../core/policy/PolicyEngine';
import { reachPath, ReachQueryError } from '../../core/policy/reachPath';
import { formatChange, parseWhatIfPolicies, previewPolicies, WhatIfError } from '../../core/policy/whatIf';
import type { KubeObject } from '../../shared/kube';
import type { ReachResult } from '../../shared/model';
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
  lines.push(`Outcome: ${{ all: 'allowed', none: 'denied', some: 'allowed for some backends only', unknown: 'nothing to check' }[result.outcome]}`);
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
  if (options.explain && (!options.from || !options.to)) throw new UsageError('--explain needs --from and --to.');
  let whatIf: KubeObject[] = [];
  if (options.withPolicy) {
    const text = await readFile(options.withPolicy, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--with-policy ${options.withPolicy} cannot be read (${error.code ?? error.message}).`);
    });
    try {
      whatIf = parseWhatIfPolicies(text, options.withPolicy);
    } catch (error) {
      if (error instanceof WhatIfError) throw new UsageError(error.message);
      throw error;
    }
  }
  const source = new SourceCatalog(options.kubeconfig).fromOptions(options);
  if (source.kind === 'context' && !options.context) err.write(`strata: using the current context, ${source.label}\n`);
  const { state, notices } = await loadState(source, options.timeout * 1000);
  for (const notice of notices) err.write(`strata: ${notice.severity}: ${notice.where ? `${notice.where}: ` : ''}${notice.message}\n`);
  const policyOptions: PolicyOptions = { ipBlockMatchesPods: options.ipblockPods, enforceEndPort: options.endport };
  err.write(`strata: ipBlock ${policyOptions.ipBlockMatchesPods ? 'matches' : 'does not match'} pod IPs; endPort is ${policyOptions.enforceEndPort ? 'enforced' : 'ignored (port only)'}\n`);

  const filter: ConnectivityFilter = { ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}), ...(ports ? { ports } : {}) };
  const preview = whatIf.length ? previewPolicies(state.objects, whatIf, policyOptions, filter) : undefined;
  const engine = preview?.engine ?? new PolicyEngine(state.objects, policyOptions);
  for (const policy of engine.policies) {
    if (policy.problems.length) err.write(`strata: warning: ${policy.id} would be rejected by the API server and is left out: ${policy.problems.join('; ')}\n`);
  }
  if (preview) {
    err.write(`strata: what-if with ${whatIf.length} polic${whatIf.length === 1 ? 'y' : 'ies'} from ${options.withPolicy} (not applied to anything): ${preview.changes.length} pair${preview.changes.length === 1 ? '' : 's'} change\n`);
    for (const change of preview.changes) err.write(`${formatChange(change)}\n`);
  }

  if (options.explain) {
    const port = ports ? ports.get('TCP')[0] ?? ports.get('UDP')[0] ?? ports.get('SCTP')[0] : undefined;
    const protocol = ports ? (['TCP', 'UDP', 'SCTP'] as const).find((p) => ports.get(p).length) : undefined;
    try {
      const result = reachPath(engine, { from: options.from!, to: options.to!, ...(port ? { port: port[0] } : {}), ...(protocol ? { protocol } : {}) });
      out.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : explainText(result));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof ReachQueryError) throw new UsageError(error.message);
      throw error;
    }
  }
  const list = preview?.connectivity ?? workloadConnectivity(engine, filter);
  out.write(formatConnectivity(list, format));
  return notices.some((n) => n.severity === 'error' || n.severity === 'warning') ? EXIT.partialInput : EXIT.ok;
}
