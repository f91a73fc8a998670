import { existsSync } from 'node:fs';
import { parseMoment } from '../../core/history/timeExpressions';
import { asRecordingError, RecordingError, RecordingStore } from '../store/RecordingStore';
import { recordedObjects } from '../sources/RecordingSource';
import { UsageError } from '../sources/SourceCatalog';

export interface BundleExportOptions {
  db: string;
  from: string;
  to: string;
  namespace?: string[];
  out: string;
}

function moment(text: string, flag: string, now: number): number {
  const t = parseMoment(text, now);
  if (t === undefined) throw new UsageError(`${flag} ${text} is not a time; use an RFC 3339 timestamp (2026-11-23T02:13:00Z) or a relative time (-15m).`);
  return t;
}

const iso = (t: number) => new Date(t).toISOString();

/**
 * `strata bundle export`: one portable file with the state at --from and every change up to --to,
 * for the chosen namespaces. It holds stripped objects only: no credentials, no Secret or
 * ConfigMap data, no environment values, no annotations (last-applied configurations included).
 */
export function bundleExport(options: BundleExportOptions, out: NodeJS.WritableStream, now = Date.now()): void {
  const from = moment(options.from, '--from', now);
  const to = moment(options.to, '--to', now);
  if (to < from) throw new UsageError('--to is before --from.');
  if (existsSync(options.out)) throw new UsageError(`${options.out} exists already; choose another --out.`);
  const namespaces = options.namespace ?? [];
  const inNamespaces = (ns: string | undefined) => namespaces.length === 0 || !ns || namespaces.includes(ns);

  const source = RecordingStore.open(options.db, { readonly: true });
  const bundle = RecordingStore.open(options.out);
  try {
    const identity = source.info().sources[0] ?? { context: 'unknown', cluster: 'unknown', server: '', namespaces: [] };
    bundle.beginSession({ ...identity, namespaces: namespaces.length ? namespaces : identity.namespaces }, from);
    bundle.writeKeyframe(from, 0, recordedObjects(source, from, namespaces));
    const changes = source.changesBetween(from, to).filter((c) => inNamespaces(c.object.metadata.namespace));
    for (let i = 0; i < changes.length; i += 5000) bundle.append(changes.slice(i, i + 5000));
    // Observed traffic in the range travels with the objects, for the same namespaces.
    const inScope = (id: string) => namespaces.length === 0 || !id.includes('/') || namespaces.some((ns) => id.split('/')[1] === ns) || id.startsWith('External/') || id.startsWith('Node/');
    const traffic = source.flowBuckets(from, to).filter((b) => inScope(b.source) || inScope(b.target));
    bundle.appendFlows(traffic, source.flowNotices(from, to));
    for (const gap of source.gaps()) {
      if ((gap.end ?? to) >= from && gap.start <= to) {
        bundle.addGap({ start: Math.max(gap.start, from), end: Math.min(gap.end ?? to, to), reason: gap.reason });
      }
    }
    bundle.endSession(to);
    bundle.database.prepare("INSERT INTO meta (key, value) VALUES ('bundle', ?)").run(JSON.stringify({ exportedAt: iso(now), from: iso(from), to: iso(to), namespaces }));
    bundle.database.pragma('wal_checkpoint(TRUNCATE)');
    out.write(`Wrote ${options.out}: ${changes.length} changes and ${traffic.length} traffic buckets from ${iso(from)} to ${iso(to)}${namespaces.length ? ` in ${namespaces.join(', ')}` : ''}.\n`);
  } finally {
    bundle.close();
    source.close();
  }
}

/** `strata bundle import`: checks a bundle or recording and says what it holds. */
export function bundleImport(path: string, out: NodeJS.WritableStream): void {
  const store = RecordingStore.open(path, { readonly: true });
  try {
    const problems = (store.database.pragma('quick_check') as { quick_check: string }[]).flatMap((row) => row.quick_check.split('\n')).filter((line) => line && line !== 'ok' && !line.startsWith('***'));
    if (problems.length > 0) throw new RecordingError(`${path} is damaged (${problems[0]}${problems.length > 1 ? `, and ${problems.length - 1} more problems` : ''}); use an undamaged copy.`);
    const info = store.info();
    const clusters = info.sources.map((s) => `${s.context} (cluster ${s.cluster}${s.server ? `, ${s.server}` : ''})`).join('; ') || 'none';
    const namespaces = [...new Set(info.sources.flatMap((s) => s.namespaces))];
    out.write(`${path} is a Strata recording you can open with strata serve --db ${path}\n`);
    out.write(`  cluster:    ${clusters}\n`);
    out.write(`  namespaces: ${namespaces.length ? namespaces.join(', ') : 'all'}\n`);
    out.write(`  span:       ${info.span ? `${iso(info.span.from)} to ${iso(info.span.to)}` : 'empty'}\n`);
    out.write(`  counts:     ${info.events} changes, ${info.keyframes} keyframes, ${info.sessions} sessions, ${info.gaps} gaps\n`);
  } catch (error) {
    throw asRecordingError(path, error);
  } finally {
    store.close();
  }
}
