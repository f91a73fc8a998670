/** Observed traffic: flows as Strata keeps them, whatever the source (Hubble Relay, a jsonpb file). */

/** One side of a flow, as the CNI saw it. */
export interface FlowEndpoint {
  ip?: string;
  namespace?: string;
  pod?: string;
  identity?: number;
  /** DNS names the CNI associated with the address. */
  names?: string[];
  /** Cilium's reserved identities: traffic from or to outside the pods. */
  reserved?: 'world' | 'host' | 'remote-node' | 'kube-apiserver' | 'health' | 'ingress';
}

export interface FlowRecord {
  /** Milliseconds since the epoch. */
  time: number;
  /** Hubble's flow id, when it sends one. */
  uuid?: string;
  verdict: string;
  protocol: string;
  sourcePort?: number;
  destinationPort?: number;
  source: FlowEndpoint;
  destination: FlowEndpoint;
  destinationService?: { namespace: string; name: string };
  /** True for the reply direction; a connection is counted once, from its request side. */
  isReply?: boolean;
  dropReason?: string;
  /** The policies that decided: those that denied a drop, or allowed a forward (`namespace/name`). */
  policies: string[];
  node?: string;
}

/** Flows between two topology nodes in one time bucket, with one verdict: what is stored and drawn. */
export interface FlowBucket {
  start: number;
  source: string;
  target: string;
  /** The Service the client addressed, when the CNI says. */
  service?: string;
  protocol: string;
  port?: number;
  verdict: string;
  dropReason?: string;
  policies: string[];
  count: number;
  first: number;
  last: number;
}

/** Something about the flow source the user must know: lost events mean the picture is incomplete. */
export interface FlowNotice {
  t: number;
  kind: 'lost-events' | 'node-status' | 'connection';
  message: string;
}
