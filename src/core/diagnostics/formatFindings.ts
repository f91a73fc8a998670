import type { ClusterProfile, Finding, FindingSpan, Severity } from '../../shared/diagnostics';
import { SEVERITIES } from '../../shared/diagnostics';
import type { ManifestLocation } from '../manifests/parseManifests';
import type { AnyRule } from './DiagnosticContext';

export type DiagnoseFormat = 'txt' | 'json' | 'sarif';
export type FailOn = Severity | 'never';

/** Whether any finding is at or above the threshold: `--fail-on warning` counts errors and warnings. */
export function failsAt(findings: readonly Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  const limit = SEVERITIES.indexOf(failOn);
  return findings.some((f) => SEVERITIES.indexOf(f.severity) <= limit);
}

const time = (t: number) => new Date(t).toISOString();

/** The profile in a few lines, as `strata diagnose` prints it above the findings. */
export function describeProfile(profile: ClusterProfile): string[] {
  const cni = profile.cni.length ? profile.cni.map((c) => `${c.name} (${c.enforcesNetworkPolicy === 'unknown' ? 'policy enforcement unknown' : c.enforcesNetworkPolicy ? 'enforces NetworkPolicy' : 'does not enforce NetworkPolicy'})`).join(', ') : 'not recognised';
  const proxy = profile.kubeProxy.state === 'running' ? `running${profile.kubeProxy.mode ? `, ${profile.kubeProxy.mode} mode` : ''}` : profile.kubeProxy.state === 'replaced' ? 'replaced' : 'not found';
  const dns = profile.dns.provider === 'none' ? 'not found' : `${profile.dns.provider}${profile.dns.service ? ` (${profile.dns.service}, ${profile.dns.readyEndpoints} ready endpoints)` : ''}${profile.dns.nodeLocal ? `, NodeLocal DNSCache${profile.dns.nodeLocal.address ? ` at ${profile.dns.nodeLocal.address}` : ''}` : ''}`;
  const mesh = profile.meshes.length ? profile.meshes.map((m) => `${m.mesh}${m.ambient ? ' ambient' : ''} in ${m.namespaces.map((n) => n.namespace).join(', ')}`).join('; ') : 'none';
  const lines = [`CNI: ${cni}`, `kube-proxy: ${proxy}${profile.kubeProxy.note ? ` (${profile.kubeProxy.note})` : ''}`, `DNS: ${dns}`, `Service mesh: ${mesh}`];
  if (profile.ingressControllers.length) lines.push(`Ingress classes: ${profile.ingressControllers.map((c) => `${c.ingressClass} → ${c.controller}${c.isDefault ? ' (default)' : ''}`).join(', ')}`);
  if (profile.gatewayControllers.length) lines.push(`Gateway classes: ${profile.gatewayControllers.map((c) => `${c.gatewayClass} → ${c.controllerName}`).join(', ')}`);
  if (profile.unmodelledPolicies.length) lines.push(`Not modelled: ${profile.unmodelledPolicies.map((p) => `${p.count} ${p.kind}`).join(', ')}`);
  return lines;
}

/** Findings for a terminal: most severe first, each with its evidence and fix. */
export function findingsText(findings: readonly Finding[], profile?: ClusterProfile): string {
  const out: string[] = [];
  if (profile) out.push(...describeProfile(profile), '');
  const counts = SEVERITIES.map((s) => `${findings.filter((f) => f.severity === s).length} ${s}${findings.filter((f) => f.severity === s).length === 1 ? '' : s === 'info' ? '' : 's'}`);
  out.push(findings.length ? `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${counts.join(', ')}` : 'No findings.');
  for (const f of findings) {
    out.push('', `${f.severity.toUpperCase()} ${f.rule}: ${f.message}`);
    for (const e of f.evidence) out.push(`    ${e.field}: ${e.value}`);
    out.push(`    fix: ${f.hint}`);
  }
  return `${out.join('\n')}\n`;
}

/** Findings that appeared or cleared in a time range, oldest first. */
export function historyText(spans: readonly FindingSpan[], from: number, to: number): string {
  const events: { t: number; line: string }[] = [];
  for (const span of spans) {
    const f = span.finding;
    if (!span.presentAtStart && span.firstSeen > from && span.firstSeen <= to) events.push({ t: span.firstSeen, line: `${time(span.firstSeen)} appeared ${f.severity} ${f.rule}: ${f.message}${span.cause ? ` (when ${span.cause})` : ''}` });
    if (span.cleared !== undefined && span.cleared > from && span.cleared <= to) events.push({ t: span.cleared, line: `${time(span.cleared)} cleared  ${f.severity} ${f.rule}: ${f.message}` });
  }
  events.sort((a, b) => a.t - b.t);
  return events.length ? `${events.map((e) => e.line).join('\n')}\n` : `No findings appeared or cleared between ${time(from)} and ${time(to)}.\n`;
}

const SARIF_LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0, for CI systems that annotate a pull request: every rule that ran, and each finding
 * at the manifest file and line of its subject (or of the first of its objects written in a
 * manifest). Findings of a live cluster carry the object as a logical location only.
 */
export function findingsSarif(findings: readonly Finding[], rules: readonly AnyRule[], locations: ReadonlyMap<string, ManifestLocation> = new Map()): object {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'strata',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.title,
              shortDescription: { text: r.title },
              fullDescription: { text: r.doc.condition },
              help: { text: r.hint },
              defaultConfiguration: { level: SARIF_LEVELS[r.severity] },
              properties: { layer: r.layer },
            })),
          },
        },
        results: findings.map((f) => {
          const written = f.objects.map((id) => locations.get(id)).find((l) => l !== undefined);
          return {
            ruleId: f.rule,
            ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
            level: SARIF_LEVELS[f.severity],
            message: { text: `${f.message} Fix: ${f.hint}` },
            locations: [
              {
                ...(written ? { physicalLocation: { artifactLocation: { uri: written.file.split('\\').join('/') }, ...(written.line ? { region: { startLine: written.line } } : {}) } } : {}),
                logicalLocations: [{ fullyQualifiedName: f.objects[0], kind: 'resource' }],
              },
            ],
            partialFingerprints: { strataFinding: f.key },
            properties: { layer: f.layer, objects: f.objects, evidence: f.evidence },
          };
        }),
      },
    ],
  };
}
