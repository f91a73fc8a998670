import { objectId } from '../../../shared/kube';
import { defineRule, describe } from '../DiagnosticContext';
import { conditionOf, formatCondition, RECONCILE_GRACE_MS } from './gatewayApi';

/** What to do for each reason a GatewayClass gives for not being accepted. */
const HINTS: Readonly<Record<string, string>> = {
  InvalidParameters: "Fix the GatewayClass's spec.parametersRef (the object it names, or its fields).",
  Unsupported: "The controller does not support this GatewayClass; check spec.controllerName and the controller's documentation.",
  UnsupportedVersion: 'Install the Gateway API CRD version the controller supports, or upgrade the controller.',
  Pending: 'No controller has picked up the GatewayClass: install the Gateway controller, or fix spec.controllerName to the one it serves.',
  Waiting: 'The controller is waiting on something (its parameters or resources); see the condition message.',
};

export const gwClassMissingOrRejected = defineRule({
  id: 'gw.class.missing-or-rejected',
  severity: 'error',
  layer: 'entry',
  title: 'GatewayClass missing or not accepted',
  subject: 'Gateway',
  hint: 'Install or fix the Gateway controller; correct spec.gatewayClassName.',
  doc: {
    condition:
      "The GatewayClass named by the Gateway's spec.gatewayClassName does not exist (checked only when Strata sees at least one GatewayClass, since otherwise it may not read them), or its Accepted condition is False, or Unknown for more than 5 minutes (no controller took it), or its SupportedVersion condition is False.",
    example: 'Gateway infra/public uses GatewayClass eg, which its controller has not accepted: Accepted=False (InvalidParameters): EnvoyProxy infra/custom not found.',
    anchors: 'Popeye 400/407, k8sgpt Gateway (missing class only) and GatewayClass (first condition only). Strata reads the Accepted and SupportedVersion conditions by type, waits before blaming a Pending class, and reports on the Gateway, where the traffic breaks.',
  },
  check(gateway, context) {
    const className = gateway.spec.gatewayClassName;
    if (!className || gateway.synthesized) return undefined;
    const gw = describe(gateway);
    const classId = objectId('GatewayClass', className);
    const field = `${gw} spec.gatewayClassName`;
    const gatewayClass = context.get('GatewayClass', className);
    if (!gatewayClass) {
      if (!context.hasAny('GatewayClass')) return undefined;
      const known = context.clusterScoped('GatewayClass').map((c) => c.metadata.name);
      return {
        message: `${gw} uses GatewayClass ${className}, which does not exist (classes: ${known.join(', ')}).`,
        evidence: [{ field, value: className }],
        hint: `Set spec.gatewayClassName to an existing class (${known.join(', ')}) or install the controller that provides ${className}.`,
        objects: [classId],
      };
    }
    const cls = `GatewayClass ${className}`;
    const unsupported = conditionOf(gatewayClass.status.conditions, 'SupportedVersion');
    if (unsupported?.status === 'False') {
      return {
        message: `${gw} uses ${cls}, whose controller does not support the installed Gateway API version: ${formatCondition(unsupported)}.`,
        evidence: [{ field, value: className }, { field: `${cls} status.conditions[SupportedVersion]`, value: formatCondition(unsupported) }],
        hint: HINTS.UnsupportedVersion,
        objects: [classId],
      };
    }
    const acceptedCond = conditionOf(gatewayClass.status.conditions, 'Accepted');
    if (!acceptedCond || acceptedCond.status === 'True') return undefined;
    // Unknown (Pending) right after creation is normal; only a lasting one means no controller.
    if (acceptedCond.status !== 'False') {
      const age = context.ageOf(gatewayClass);
      if (age === undefined || age < RECONCILE_GRACE_MS) return undefined;
    }
    const controller = gatewayClass.spec.controllerName;
    return {
      message: `${gw} uses ${cls}, which ${acceptedCond.status === 'False' ? 'its controller has rejected' : `no controller has accepted (controllerName ${controller})`}: ${formatCondition(acceptedCond)}.`,
      evidence: [{ field, value: className }, { field: `${cls} status.conditions[Accepted]`, value: formatCondition(acceptedCond) }, { field: `${cls} spec.controllerName`, value: controller }],
      hint: HINTS[acceptedCond.reason ?? ''] ?? (acceptedCond.status === 'False' ? 'Fix the GatewayClass as the condition message says.' : HINTS.Pending),
      objects: [classId],
    };
  },
});
