import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';

/** Whether a `*.` wildcard host covers a host: exactly one label in place of the star. */
function wildcardCovers(wildcard: string, host: string): boolean {
  return wildcard.startsWith('*.') && host.endsWith(wildcard.slice(1)) && host.split('.').length === wildcard.split('.').length;
}

/** A TLS host and a rule host are the same site when equal, or when either is a wildcard over the other. */
const sameSite = (tlsHost: string, ruleHost: string) => tlsHost === ruleHost || wildcardCovers(ruleHost, tlsHost) || wildcardCovers(tlsHost, ruleHost);

export const ingTlsSecret = defineRule({
  id: 'ing.tls.secret',
  severity: 'warning',
  layer: 'entry',
  title: 'Ingress TLS host has no rule',
  subject: 'Ingress',
  hint: 'Add a rule for the TLS host, or fix the host in spec.tls or spec.rules so that they agree.',
  doc: {
    condition:
      'The spec-only part of the TLS check: a host listed in spec.tls[].hosts matches no spec.rules[].host (equal, or a `*.` wildcard on either side covering exactly one label), the Ingress has no rule without a host and no defaultBackend, so HTTPS requests for that host find no route on this Ingress. One finding per host. Whether the TLS Secret exists is not checked: Strata never reads Secrets, and reads no stand-in for them here (a cert-manager Certificate, Ingress Events).',
    example: 'Ingress shop/web lists shop.example.org in spec.tls[0].hosts, but no rule serves that host (the rules are for shop.example.com).',
    anchors: 'k8sgpt and Radar check only that the TLS Secret exists, which needs Secret reads; none checks the hosts. Strata checks the spec only.',
  },
  check(ingress) {
    const ruleHosts = ingress.spec.rules.map((r) => r.host?.toLowerCase());
    // A rule without a host, or a default backend, answers every host.
    if (ingress.spec.defaultBackend || ruleHosts.some((h) => !h)) return undefined;
    const hosts = ruleHosts.filter((h): h is string => !!h);
    const drafts: FindingDraft[] = [];
    ingress.spec.tls.forEach((tls, i) => {
      for (const host of tls.hosts) {
        if (hosts.some((h) => sameSite(host.toLowerCase(), h))) continue;
        drafts.push({
          message: `${describe(ingress)} lists ${host} in spec.tls[${i}].hosts, but no rule serves that host (the rules are for ${[...new Set(hosts)].join(', ') || 'no host'}).`,
          evidence: [
            { field: `${describe(ingress)} spec.tls[${i}].hosts`, value: tls.hosts.join(', ') },
            { field: `${describe(ingress)} spec.rules[].host`, value: [...new Set(hosts)].join(', ') || '(no rules)' },
          ],
          hint: `Add a rule for ${host}, or correct the host in spec.tls or spec.rules (a typo in one of them is the usual cause).`,
          detail: host,
        });
      }
    });
    return drafts;
  },
});
