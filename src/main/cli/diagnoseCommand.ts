import { join, relative, resolve } from 'node:path';
import { findingHistory, type HistoryBatch } from '../../core/diagnostics/findingHistory';
import { failsAt, findingsSarif, findingsText, historyText, type FailOn } from '../../core/diagnostics/formatFindings';
import { diagnose } from '../../core/diagnostics/IncrementalDiagnostics';
import { RULES } from '../../core/diagnostics/rules';
import { parseMoment } from '../../core/history/timeExpressions';
import type { ManifestLocation } from '../../core/manifests/parseManifests';
import { SEVERITIES, type Finding } from '../../shared/diagnostics';
import { readManifestDirectory } from '../manifests/readManifestDirectory';
import { recordedObjects } from '../sources/RecordingSource';
import { SourceCatalog, UsageError, type SourceOptions } from '../sources/SourceCatalog';
import { RecordingStore } from '../store/RecordingStore';
import { EXIT } from './exitCodes';
import { describeNotice } from './graphCommand';
import { loadState } from './loadTopology';

export interface DiagnoseOptions extends SourceOptions {
  output: string;
  failOn: string;
  from?: string;
  to?: string;
  timeout: number;
}

const FORMATS = ['txt', 'json', 'sarif'] as const;
const FAIL_ON = [...SEVERITIES, 'never'] as const;

/** One SARIF rule per id: a rule that runs per subject kind (HTTPRoute, GRPCRoute) does so under one id, and SARIF's rules are unique. */
const SARIF_RULES = RULES.filter((rule, i) => RULES.findIndex((other) => other.id === rule.id) === i);

/**
 * The moment a recording is diagnosed at: --at, or else the end of the recording, as the state is.
 * Rules that compare with the clock (a pod not Ready for over 2 minutes) judge by it, not by today.
 */
function recordingMoment(db: string, at: string | undefined): number | undefined {
  if (at !== undefined) return parseMoment(at, Date.now());
  const store = RecordingStore.open(db, { readonly: true });
  try {
    return store.span()?.to;
  } finally {
    store.close();
  }
}

/** Findings of subjects in the chosen namespaces (cluster-scoped subjects always). */
function inNamespaces(findings: readonly Finding[], namespaces: readonly string[] | undefined): Finding[] {
  if (!namespaces?.length) return [...findings];
  return findings.filter((f) => {
    const parts = f.objects[0].split('/');
    return parts.length < 3 || namespaces.includes(parts[1]);
  });
}

/** `strata diagnose --db F --from T1 --to T2`: the findings that appeared or cleared in the range. */
function diagnoseRange(options: DiagnoseOptions, out: NodeJS.WritableStream): number {
  if (!options.db) throw new UsageError('--from and --to go with --db: they pick a time range of a recording.');
  if (options.output === 'sarif') throw new UsageError('-o sarif reports the findings of one moment; use -o txt or -o json with --from and --to.');
  const store = RecordingStore.open(options.db, { readonly: true });
  try {
    const span = store.span();
    if (!span) throw new Error(`${options.db} holds no recorded history.`);
    const moment = (text: string | undefined, fallback: number, flag: string) => {
      if (text === undefined) return fallback;
      // Relative times count back from now, as --at's do.
      const t = parseMoment(text, Date.now());
      if (t === undefined) throw new UsageError(`${flag} ${text} is not a time; use an RFC 3339 timestamp (2026-11-23T02:13:00Z) or a relative time (-15m).`);
      return t;
    };
    const from = Math.max(moment(options.from, span.from, '--from'), span.from);
    const to = Math.min(moment(options.to, span.to, '--to'), span.to);
    if (to < from) throw new UsageError('--to is before --from.');
    const batches: HistoryBatch[] = [];
    for (const change of store.changesBetween(from, to)) {
      const last = batches.at(-1);
      if (last && last.t === change.t) (last.changes as (typeof change)[]).push(change);
      else batches.push({ t: change.t, changes: [change] });
    }
    // The whole cluster is replayed, and only findings are picked by namespace: the changes are not
    // split by namespace, and rules read across namespaces (an Ingress controller, the CNI's DaemonSets).
    const spans = findingHistory({ t: from, objects: recordedObjects(store, from) }, batches).filter((s) => inNamespaces([s.finding], options.namespace).length > 0);
    if (options.output === 'json') out.write(`${JSON.stringify({ from, to, findings: spans }, null, 2)}\n`);
    else out.write(historyText(spans, from, to));
    const appeared = spans.filter((s) => !s.presentAtStart && s.cleared === undefined).map((s) => s.finding);
    return failsAt(appeared, options.failOn as FailOn) ? EXIT.findings : EXIT.ok;
  } finally {
    store.close();
  }
}

/**
 * `strata diagnose`: the findings of a source (live, manifests, a recording at --at, the demo) as
 * text, JSON or SARIF, and with --from/--to over a recording, what appeared and cleared.
 * The exit code says whether any finding is at or above --fail-on (EXIT.findings).
 */
export async function diagnoseCommand(options: DiagnoseOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(options.output)) throw new UsageError(`Output format ${JSON.stringify(options.output)} is not known; use -o txt, -o json or -o sarif.`);
  if (!(FAIL_ON as readonly string[]).includes(options.failOn)) throw new UsageError(`--fail-on ${options.failOn} is not known; use error, warning, info or never.`);
  if (options.from !== undefined || options.to !== undefined) {
    if (options.at !== undefined) throw new UsageError('Give either --at (one moment) or --from/--to (a range), not both.');
    return diagnoseRange(options, out);
  }
  // A recording is read whole, for the reason given in diagnoseRange; a live context watches only the namespaces asked for.
  const source = new SourceCatalog(options.kubeconfig).fromOptions(options.db !== undefined ? { ...options, namespace: undefined } : options);
  if (source.kind === 'context' && !options.context) err.write(`strata: using the current context, ${source.label}\n`);
  const { state, notices } = await loadState(source, options.timeout * 1000);
  for (const notice of notices) err.write(`${describeNotice(notice)}\n`);
  const at = options.db !== undefined ? recordingMoment(options.db, options.at) : undefined;
  const diagnosis = diagnose(state, { ...(at !== undefined ? { clock: () => at } : {}), ...(source.namespaces?.length ? { namespaces: source.namespaces } : {}) });
  const findings = inNamespaces(diagnosis.findings, options.namespace);
  let locations: ReadonlyMap<string, ManifestLocation> = new Map();
  if (options.manifests && options.output === 'sarif') {
    // SARIF paths are relative to where strata runs (the repository root in CI), so code scanning finds the files.
    const read = await readManifestDirectory(options.manifests);
    locations = new Map([...read.locations].map(([id, l]) => [id, { ...l, file: relative(process.cwd(), join(resolve(options.manifests!), l.file)) }]));
  }
  if (options.output === 'json') out.write(`${JSON.stringify({ findings, profile: diagnosis.profile, rules: RULES.length }, null, 2)}\n`);
  else if (options.output === 'sarif') out.write(`${JSON.stringify(findingsSarif(findings, SARIF_RULES, locations), null, 2)}\n`);
  else out.write(findingsText(findings, diagnosis.profile));
  if (failsAt(findings, options.failOn as FailOn)) return EXIT.findings;
  return notices.some((n) => n.severity === 'error' || n.severity === 'warning') ? EXIT.partialInput : EXIT.ok;
}
