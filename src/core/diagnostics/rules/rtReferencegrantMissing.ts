import { objectId } from '../../../shared/kube';
import { defineRule, describe, type FindingDraft } from '../DiagnosticContext';
import { GATEWAY_GROUP, grantAllows, onRoutes } from './gatewayApi';
import { grantHint, missingGrants, nearGrants, refsResolved } from './gatewayReferences';

const CONDITION =
  'A reference from a route or Gateway into another namespace needs a ReferenceGrant in the target namespace whose from has {group gateway.networking.k8s.io, kind of the referrer, namespace of the referrer} and whose to has {group "", kind Service or Secret, name unset or the name}. Covered: cross-namespace Service backendRefs of HTTPRoutes and GRPCRoutes, and Gateway listener tls.certificateRefs to Secrets (the grant only: Strata never reads the Secret). Not reported when the controller says every reference resolved (ResolvedRefs=True), since Strata may not see every grant.';

const rule = {
  id: 'rt.referencegrant.missing',
  severity: 'error',
  layer: 'entry',
  title: 'Cross-namespace reference without a ReferenceGrant',
  hint: 'Create a ReferenceGrant in the target namespace.',
  doc: {
    condition: CONDITION,
    example: 'HTTPRoute shop/web rule 1 sends traffic to Service payments/api, but no ReferenceGrant in payments allows HTTPRoutes from namespace shop to reach it (RefNotPermitted).',
    anchors: 'Radar (backendRefs only). Strata also checks Gateway certificateRefs, shows the grants of the target namespace that come close, and gives the grant to create.',
  },
} as const;

export const [rtReferencegrantMissing, rtReferencegrantMissingGrpc] = onRoutes(rule, missingGrants);

export const rtReferencegrantMissingGateway = defineRule({
  ...rule,
  subject: 'Gateway',
  doc: { ...rule.doc, example: 'Gateway infra/public listener https uses certificate Secret certs/shop-tls, but no ReferenceGrant in certs allows Gateways from namespace infra to reference it (RefNotPermitted).' },
  check(gateway, context) {
    const gwNs = gateway.metadata.namespace ?? '';
    const gw = describe(gateway);
    const drafts: FindingDraft[] = [];
    for (const listener of gateway.spec.listeners) {
      const status = gateway.status.listeners?.find((l) => l.name === listener.name);
      if (status && refsResolved(status.conditions)) continue;
      (listener.certificateRefs ?? []).forEach((ref, i) => {
        const target = ref.namespace ?? gwNs;
        if (ref.kind !== 'Secret' || target === gwNs) return;
        if (grantAllows(context, target, { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gwNs }, { group: '', kind: 'Secret', name: ref.name })) return;
        const near = nearGrants(target, 'Secret', context);
        drafts.push({
          message: `${gw} listener ${listener.name} uses certificate Secret ${target}/${ref.name}, but no ReferenceGrant in ${target} allows Gateways from namespace ${gwNs} to reference it (RefNotPermitted).`,
          evidence: [{ field: `${gw} spec.listeners[${listener.name}].tls.certificateRefs[${i}]`, value: `Secret ${target}/${ref.name}` }, ...near.evidence],
          hint: grantHint(target, 'Gateway', gwNs, 'Secret', ref.name),
          objects: [objectId('Secret', ref.name, target), ...near.ids],
          detail: `${listener.name}.${i}`,
        });
      });
    }
    return drafts;
  },
});
