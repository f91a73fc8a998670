import { useEffect, useMemo, useState } from 'react';
import type { DiagnosticsReport, StrataApi } from '../../shared/contract';
import type { ClusterProfile, Finding, FindingSpan, Severity } from '../../shared/diagnostics';
import { FINDING_LAYERS, SEVERITIES } from '../../shared/diagnostics';
import { inNextFrame } from '../frameUpdates';

/** How long live updates settle before the findings are asked for again. */
const DIAGNOSTICS_DELAY_MS = 300;

const SEVERITY_LABELS: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Info' };
const LAYER_LABELS: Record<string, string> = { entry: 'Ingress and Gateway', service: 'Services', endpoints: 'Endpoints', pods: 'Pods', nodes: 'Nodes', policy: 'Policies', dns: 'DNS', cluster: 'Cluster' };
const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The findings and cluster profile of what is drawn, asked for again after each revision settles, while `wanted`. */
export function useDiagnostics(api: StrataApi, revision: number, wanted: boolean): { report: DiagnosticsReport | null; error: string | null } {
  const [state, setState] = useState<{ report: DiagnosticsReport | null; error: string | null }>({ report: null, error: null });
  useEffect(() => {
    if (!wanted || revision === 0) return;
    let current = true;
    const timer = setTimeout(() => {
      // Asked after each revision: shown at the start of a frame, like the view (see frameUpdates.ts).
      api.request('diagnostics.get', {}).then(
        (report) => inNextFrame(setState, () => current && setState({ report, error: null })),
        (error: Error) => inNextFrame(setState, () => current && setState((s) => ({ report: s.report, error: error.message }))),
      );
    }, DIAGNOSTICS_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, revision, wanted]);
  return state;
}

interface Props {
  report: DiagnosticsReport | null;
  error: string | null;
  /** The moment replayed, if any: findings that appeared in the minutes before it are marked. */
  at?: number;
  onFocus: (finding: Finding) => void;
  onClose: () => void;
}

/** Findings grouped by severity, then by layer; each opens to its evidence and fix, and focuses its objects. */
export function ProblemsPanel({ report, error, at, onFocus, onClose }: Props) {
  const [tab, setTab] = useState<'problems' | 'cluster'>('problems');
  const [open, setOpen] = useState<string | null>(null);
  // A finding can come and go several times over a recording: the span shown is the one open at the moment on show.
  const spans = useMemo(() => {
    const open = new Map<string, FindingSpan>();
    for (const s of report?.history ?? []) if (at === undefined ? s.cleared === undefined : s.firstSeen <= at && (s.cleared === undefined || s.cleared > at)) open.set(s.finding.key, s);
    return open;
  }, [report, at]);
  const changes = useMemo(() => recentChanges(report?.history ?? [], at), [report, at]);
  return (
    <aside className="details problems-panel" aria-label="Problems" data-testid="problems-panel">
      <header>
        <div role="tablist" className="tabs">
          <button role="tab" aria-selected={tab === 'problems'} onClick={() => setTab('problems')}>
            Problems{report ? ` (${report.findings.filter((f) => f.severity !== 'info').length})` : ''}
          </button>
          <button role="tab" aria-selected={tab === 'cluster'} onClick={() => setTab('cluster')}>
            Cluster
          </button>
        </div>
        <button className="close" onClick={onClose} aria-label="Close problems">
          ×
        </button>
      </header>
      {error && (
        <p className="error" role="alert">
          Findings could not be worked out: {error}
        </p>
      )}
      {!report && !error && <p>Checking…</p>}
      {report && tab === 'problems' && (
        <>
          {changes.length > 0 && <RecentChanges changes={changes} onFocus={onFocus} />}
          {report.findings.length === 0 && <p data-testid="no-findings">No findings: {report.rules} rules found nothing wrong in what is drawn.</p>}
          {SEVERITIES.map((severity) => {
            const ofSeverity = report.findings.filter((f) => f.severity === severity);
            if (ofSeverity.length === 0) return null;
            return (
              <section key={severity} className={`findings findings-${severity}`}>
                <h3>
                  {SEVERITY_LABELS[severity]} ({ofSeverity.length})
                </h3>
                {FINDING_LAYERS.map((layer) => {
                  const inLayer = ofSeverity.filter((f) => f.layer === layer);
                  if (inLayer.length === 0) return null;
                  return (
                    <div key={layer} className="finding-layer">
                      <h4>{LAYER_LABELS[layer]}</h4>
                      <ul>
                        {inLayer.map((f) => (
                          <FindingItem key={f.key} finding={f} span={spans.get(f.key)} open={open === f.key} onOpen={() => setOpen(open === f.key ? null : f.key)} onFocus={() => onFocus(f)} />
                        ))}
                      </ul>
                    </div>
                  );
                })}
              </section>
            );
          })}
        </>
      )}
      {report && tab === 'cluster' && <ProfileView profile={report.profile} />}
    </aside>
  );
}

function FindingItem({ finding, span, open, onOpen, onFocus }: { finding: Finding; span?: FindingSpan; open: boolean; onOpen: () => void; onFocus: () => void }) {
  return (
    <li className={`finding severity-${finding.severity}`} data-rule={finding.rule}>
      <button className="finding-message" onClick={onFocus} title="Show the objects in the graph">
        <span className="severity-mark" aria-label={finding.severity}>
          {finding.severity === 'error' ? '✖' : finding.severity === 'warning' ? '▲' : 'ℹ'}
        </span>{' '}
        {finding.message}
      </button>
      <button className="finding-more" onClick={onOpen} aria-expanded={open}>
        {open ? 'less' : 'why & fix'}
      </button>
      {span && <p className="finding-time">{span.presentAtStart ? 'present when the recording starts' : `since ${clock(span.firstSeen)}`}{span.cause ? `, when ${span.cause}` : ''}</p>}
      {open && (
        <div className="finding-body">
          <p className="finding-hint">
            <strong>Fix:</strong> {finding.hint}
          </p>
          <dl className="finding-evidence">
            {finding.evidence.map((e) => (
              <div key={e.field}>
                <dt>{e.field}</dt>
                <dd>{e.value}</dd>
              </div>
            ))}
          </dl>
          <p className="finding-rule">
            <code>{finding.rule}</code>
          </p>
        </div>
      )}
    </li>
  );
}

/** What appeared or cleared in the ten minutes up to the moment replayed: "what broke at 02:13?". */
function recentChanges(history: readonly FindingSpan[], at: number | undefined): { t: number; span: FindingSpan; change: 'appeared' | 'cleared' }[] {
  if (at === undefined) return [];
  const from = at - 10 * 60_000;
  const out: { t: number; span: FindingSpan; change: 'appeared' | 'cleared' }[] = [];
  for (const span of history) {
    if (!span.presentAtStart && span.firstSeen > from && span.firstSeen <= at) out.push({ t: span.firstSeen, span, change: 'appeared' });
    if (span.cleared !== undefined && span.cleared > from && span.cleared <= at) out.push({ t: span.cleared, span, change: 'cleared' });
  }
  return out.sort((a, b) => b.t - a.t);
}

function RecentChanges({ changes, onFocus }: { changes: ReturnType<typeof recentChanges>; onFocus: (f: Finding) => void }) {
  return (
    <section className="recent-findings" aria-label="What changed in the last 10 minutes">
      <h3>In the 10 minutes before this moment</h3>
      <ul>
        {changes.map(({ t, span, change }) => (
          <li key={`${change}:${span.finding.key}:${t}`} className={`finding severity-${span.finding.severity}`}>
            <button className="finding-message" onClick={() => onFocus(span.finding)}>
              {clock(t)} {change === 'appeared' ? 'appeared' : 'cleared'}: {span.finding.message}
              {change === 'appeared' && span.cause ? ` (when ${span.cause})` : ''}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ProfileView({ profile }: { profile: ClusterProfile }) {
  const enforcement = { enforced: 'NetworkPolicies are enforced', 'not-enforced': 'NetworkPolicies are NOT enforced by the CNI found', unknown: 'Whether NetworkPolicies are enforced is unknown' }[profile.policyEnforcement];
  return (
    <dl className="cluster-profile" data-testid="cluster-profile">
      <div>
        <dt>CNI</dt>
        <dd>
          {profile.cni.length === 0 ? 'not recognised from the DaemonSets' : profile.cni.map((c) => `${c.name} (${c.enforcesNetworkPolicy === 'unknown' ? 'policy enforcement unknown' : c.enforcesNetworkPolicy ? 'enforces NetworkPolicy' : 'does not enforce NetworkPolicy'})${c.note ? ` — ${c.note}` : ''}`).join('; ')}
          <br />
          {enforcement}
        </dd>
      </div>
      <div>
        <dt>kube-proxy</dt>
        <dd>
          {profile.kubeProxy.state === 'running' ? `running${profile.kubeProxy.mode ? `, mode ${profile.kubeProxy.mode}` : ''}` : profile.kubeProxy.state === 'replaced' ? 'replaced' : 'not found'}
          {profile.kubeProxy.note ? ` — ${profile.kubeProxy.note}` : ''}
        </dd>
      </div>
      <div>
        <dt>DNS</dt>
        <dd>
          {profile.dns.provider === 'none' ? 'not found' : `${profile.dns.provider}${profile.dns.service ? `, Service ${profile.dns.service} with ${profile.dns.readyEndpoints} ready endpoints` : ''}`}
          {profile.dns.nodeLocal ? `; NodeLocal DNSCache (${profile.dns.nodeLocal.daemonSet}${profile.dns.nodeLocal.address ? ` at ${profile.dns.nodeLocal.address}` : ''})` : ''}
        </dd>
      </div>
      <div>
        <dt>Service mesh</dt>
        <dd>
          {profile.meshes.length === 0
            ? 'none found'
            : profile.meshes.map((m) => `${m.mesh}${m.ambient ? ' (ambient)' : ''}: ${m.namespaces.map((n) => `${n.namespace} (${n.mode}${n.revision ? `, rev ${n.revision}` : ''}, ${n.sidecarPods} sidecars)`).join(', ')}`).join('; ')}
        </dd>
      </div>
      <div>
        <dt>Ingress controllers</dt>
        <dd>{profile.ingressControllers.length === 0 ? 'no IngressClass' : profile.ingressControllers.map((c) => `${c.ingressClass} → ${c.controller}${c.isDefault ? ' (default)' : ''}`).join('; ')}</dd>
      </div>
      <div>
        <dt>Gateway controllers</dt>
        <dd>{profile.gatewayControllers.length === 0 ? 'no GatewayClass' : profile.gatewayControllers.map((c) => `${c.gatewayClass} → ${c.controllerName}${c.accepted === false ? ' (not accepted)' : ''}`).join('; ')}</dd>
      </div>
      <div>
        <dt>Policies not modelled</dt>
        <dd>{profile.unmodelledPolicies.length === 0 ? 'none' : `${profile.unmodelledPolicies.map((p) => `${p.count} ${p.kind}`).join(', ')}: verdicts where they apply are not modelled`}</dd>
      </div>
    </dl>
  );
}
