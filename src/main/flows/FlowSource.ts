import type { FlowNotice, FlowRecord } from '../../shared/flows';

export interface FlowSourceStatus {
  state: 'connecting' | 'streaming' | 'reconnecting';
  message?: string;
}

export interface FlowSourceListener {
  flows(records: readonly FlowRecord[]): void;
  notice(notice: FlowNotice): void;
  status(status: FlowSourceStatus): void;
}

/**
 * Where observed traffic comes from: Hubble Relay first; Calico's flow API or Inspektor Gadget can
 * plug in beside it by producing the same FlowRecords.
 */
export interface FlowSource {
  readonly label: string;
  start(listener: FlowSourceListener): Promise<void>;
  stop(): Promise<void>;
}
