/**
 * Every diagnostic rule Strata runs, one file each, in the order of the layers from the entry
 * down (docs/diagnostics.md lists them with their conditions and examples).
 */
import type { AnyRule } from '../DiagnosticContext';
import { epsManualPortMismatch } from './epsManualPortMismatch';
import { gwClassMissingOrRejected } from './gwClassMissingOrRejected';
import { gwListenerProblem } from './gwListenerProblem';
import { gwNotProgrammed } from './gwNotProgrammed';
import { icMultipleDefaults } from './icMultipleDefaults';
import { ingBackendPortMissing } from './ingBackendPortMissing';
import { ingBackendServiceMissing } from './ingBackendServiceMissing';
import { ingClassUnresolved } from './ingClassUnresolved';
import { ingControllerDown } from './ingControllerDown';
import { ingHostPathConflict } from './ingHostPathConflict';
import { ingTlsSecret } from './ingTlsSecret';
import { noNetworkDownWithEndpoints } from './noNetworkDownWithEndpoints';
import { npBlocksPath } from './npBlocksPath';
import { npEgressNoDns } from './npEgressNoDns';
import { npEvalUncertain } from './npEvalUncertain';
import { npNotEnforced } from './npNotEnforced';
import { npPeerMatchesNothing } from './npPeerMatchesNothing';
import { npSelectsNothing } from './npSelectsNothing';
import { poDnsSubdomain } from './poDnsSubdomain';
import { poHostnetDnspolicy } from './poHostnetDnspolicy';
import { poHostportConflict } from './poHostportConflict';
import { poNetworkBroken } from './poNetworkBroken';
import { poNotIsolated } from './poNotIsolated';
import { poNotReadyBehindSvc } from './poNotReadyBehindSvc';
import { poProbePortUndeclared } from './poProbePortUndeclared';
import { rtBackendMissing, rtBackendMissingGrpc } from './rtBackendMissing';
import { rtParentMissing, rtParentMissingGrpc } from './rtParentMissing';
import { rtParentNotAttachable, rtParentNotAttachableGrpc } from './rtParentNotAttachable';
import { rtReferencegrantMissing, rtReferencegrantMissingGateway, rtReferencegrantMissingGrpc } from './rtReferencegrantMissing';
import { rtStatusCondition, rtStatusConditionGrpc } from './rtStatusCondition';
import { rtWeightsAllZero, rtWeightsAllZeroGrpc } from './rtWeightsAllZero';
import { svcEtpLocalCoverage } from './svcEtpLocalCoverage';
import { svcLbPending } from './svcLbPending';
import { svcNoReadyEndpoints } from './svcNoReadyEndpoints';
import { svcPartialReady } from './svcPartialReady';
import { svcPublishNotReady } from './svcPublishNotReady';
import { svcSelectorlessNoEndpoints } from './svcSelectorlessNoEndpoints';
import { svcSelectorMultiWorkload } from './svcSelectorMultiWorkload';
import { svcSelectorNoPods } from './svcSelectorNoPods';
import { svcTargetportNotDeclared } from './svcTargetportNotDeclared';
import { svcTargetportUnresolved } from './svcTargetportUnresolved';

export const RULES: readonly AnyRule[] = [
  // Ingress and Gateway API
  ingBackendServiceMissing,
  ingBackendPortMissing,
  ingClassUnresolved,
  icMultipleDefaults,
  ingControllerDown,
  ingHostPathConflict,
  ingTlsSecret,
  gwClassMissingOrRejected,
  gwNotProgrammed,
  gwListenerProblem,
  rtParentMissing,
  rtParentMissingGrpc,
  rtParentNotAttachable,
  rtParentNotAttachableGrpc,
  rtStatusCondition,
  rtStatusConditionGrpc,
  rtBackendMissing,
  rtBackendMissingGrpc,
  rtReferencegrantMissing,
  rtReferencegrantMissingGrpc,
  rtReferencegrantMissingGateway,
  rtWeightsAllZero,
  rtWeightsAllZeroGrpc,
  svcLbPending,
  // Services and their endpoints
  svcSelectorNoPods,
  svcSelectorMultiWorkload,
  svcTargetportUnresolved,
  svcTargetportNotDeclared,
  svcEtpLocalCoverage,
  svcNoReadyEndpoints,
  svcPartialReady,
  svcPublishNotReady,
  svcSelectorlessNoEndpoints,
  epsManualPortMismatch,
  // Pods and Nodes
  poNotReadyBehindSvc,
  poProbePortUndeclared,
  poHostportConflict,
  poNetworkBroken,
  poHostnetDnspolicy,
  poDnsSubdomain,
  noNetworkDownWithEndpoints,
  // Policies
  npBlocksPath,
  npEgressNoDns,
  npSelectsNothing,
  npPeerMatchesNothing,
  npNotEnforced,
  npEvalUncertain,
  poNotIsolated,
];

/** Distinct rule ids (a rule checked on two kinds, HTTPRoute and GRPCRoute, is one id). */
export const RULE_IDS: readonly string[] = [...new Set(RULES.map((r) => r.id))];
