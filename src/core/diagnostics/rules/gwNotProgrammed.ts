import type { Gateway } from '../../../shared/kube';
import { objectId } from '../../../shared/kube';
import { defineRule, describe, type DiagnosticContext } from '../DiagnosticContext';
import { conditionOf, formatCondition, RECONCILE_GRACE_MS } from './gatewayApi';

/** What to do for each reason the spec defines for Accepted or Programmed not being True. */
const HINTS: Readonly<Record<string, string>> = {
  Invalid: 'Fix the Gateway spec as the condition message says.',
  InvalidParameters: "Fix the Gateway's spec.infrastructure.parametersRef or the object it names.",
  NotReconciled: 'The controller has not processed this Gateway: check the controller pods and their logs.',
  UnsupportedAddress: 'Use an address type the controller supports in spec.addresses, or remove it.',
  ListenersNotValid: "No listener is valid: see the Gateway's listener findings (ports, protocols, certificates).",
  NoResources: 'The controller could not create the data plane: check its quota, node capacity and logs.',
  AddressNotAssigned: 'No address was assigned: check the load balancer provider or the address pool (MetalLB, cloud LB quota).',
  AddressNotUsable: 'The requested address cannot be used: choose another in spec.addresses.',
  Pending: 'The controller has not finished: check the controller and its address pool.',
};

/** Whether the Gateway's class is missing or not accepted: then gw.class.missing-or-rejected says why, not this rule. */
function classExplains(gateway: Gateway, context: DiagnosticContext): boolean {
  const gatewayClass = context.get('GatewayClass', gateway.spec.gatewayClassName);
  if (!gatewayClass) return context.hasAny('GatewayClass');
  return conditionOf(gatewayClass.status.conditions, 'Accepted')?.status !== 'True';
}

export const gwNotProgrammed = defineRule({
  id: 'gw.not-programmed',
  severity: 'error',
  layer: 'entry',
  title: 'Gateway not accepted or not programmed',
  subject: 'Gateway',
  hint: 'Check the Gateway controller and its address pool.',
  doc: {
    condition:
      "The Gateway's Accepted or Programmed condition is False (Invalid, InvalidParameters, NotReconciled, UnsupportedAddress, ListenersNotValid, NoResources, AddressNotAssigned, Pending: Pending only once the Gateway is 5 minutes old), or is still Unknown, or the Gateway has no status conditions at all, 5 minutes after its creation: no controller has reconciled it. The last case is left to gw.class.missing-or-rejected when the class is missing or not accepted.",
    example: 'Gateway infra/public is not programmed: Programmed=False (AddressNotAssigned): no address available in pool default.',
    anchors: 'k8sgpt Gateway (condition texts only), Headlamp (status pill). Strata also catches a Gateway that no controller ever touched (no conditions after 5 minutes) and gives a hint per reason.',
  },
  check(gateway, context) {
    if (gateway.synthesized) return undefined;
    const gw = describe(gateway);
    // No conditions field at all: recorded before Strata kept them (or written by hand), so unknown, not unreconciled.
    if (!gateway.status.conditions) return undefined;
    const conditions = gateway.status.conditions;
    const acceptedCond = conditionOf(conditions, 'Accepted');
    const programmed = conditionOf(conditions, 'Programmed');
    const evidence = [acceptedCond, programmed].filter((c) => c !== undefined).map((c) => ({ field: `${gw} status.conditions[${c.type}]`, value: formatCondition(c) }));
    const failed = [acceptedCond, programmed].find((c) => c?.status === 'False');
    const age = context.ageOf(gateway);
    const old = age !== undefined && age >= RECONCILE_GRACE_MS;
    const minutes = age === undefined ? '' : `${Math.floor(age / 60_000)} minutes`;
    if (failed && (failed.reason !== 'Pending' || old)) {
      return {
        message: `${gw} is ${failed.type === 'Accepted' ? 'not accepted by its controller' : 'not programmed'}: ${formatCondition(failed)}.`,
        evidence,
        hint: HINTS[failed.reason ?? ''] ?? 'Check the Gateway controller and the condition message.',
      };
    }
    if (failed || !old) return undefined;
    // A controller that wrote nothing, or only the API server's Unknown defaults, has not reconciled the Gateway.
    const untouched = conditions.every((c) => c.status === 'Unknown');
    const stuck = [acceptedCond, programmed].find((c) => c?.status === 'Unknown');
    if (untouched) {
      if (classExplains(gateway, context)) return undefined;
      const gatewayClass = context.get('GatewayClass', gateway.spec.gatewayClassName);
      const controller = gatewayClass ? ` (controller ${gatewayClass.spec.controllerName})` : '';
      return {
        message: `${gw} has ${conditions.length ? 'only Unknown status conditions' : 'no status conditions'} ${minutes} after its creation: no controller for GatewayClass ${gateway.spec.gatewayClassName}${controller} has reconciled it.`,
        evidence: [{ field: `${gw} status.conditions`, value: conditions.length ? conditions.map(formatCondition).join('; ') : '(none)' }, { field: `${gw} spec.gatewayClassName`, value: gateway.spec.gatewayClassName }],
        hint: 'Install or start the Gateway controller for this class, or correct spec.gatewayClassName.',
        objects: [objectId('GatewayClass', gateway.spec.gatewayClassName)],
      };
    }
    if (!stuck) return undefined;
    return {
      message: `${gw} is still ${formatCondition(stuck)} ${minutes} after its creation.`,
      evidence,
      hint: HINTS.Pending,
    };
  },
});
