import { onRoutes } from './gatewayApi';
import { missingBackends } from './gatewayReferences';

export const [rtBackendMissing, rtBackendMissingGrpc] = onRoutes(
  {
    id: 'rt.backend.missing',
    severity: 'error',
    layer: 'entry',
    title: 'Route backend Service or port missing',
    hint: 'Fix the backendRef name, namespace or port, or create the Service.',
    doc: {
      condition:
        "A backendRef of the route with group \"\" and kind Service (or unset) names a Service that does not exist in backendRef.namespace (or the route's namespace when unset), or sets no port, or a port the Service does not expose. Per the spec, requests sent to an invalid backend get HTTP 500. One finding per backendRef; a warning when its weight is 0. A Service in an unseen namespace is reported only when Strata sees Namespaces (then the namespace does not exist).",
      example: 'HTTPRoute shop/web rule 1 sends traffic to Service shop/cart, but the backendRef uses port 8080, which is the container port (targetPort) behind Service port 80 (its share of requests gets HTTP 500).',
      anchors: 'Popeye 407/1106, k8sgpt HTTPRoute (ignores backendRef.namespace and kind), Radar. Strata honours backendRef.namespace and kind, catches an unset port, and says when the port given is the container port.',
    },
  },
  missingBackends,
);
