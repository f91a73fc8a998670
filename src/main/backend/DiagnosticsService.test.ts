import { describe, expect, it } from 'vitest';
import { pod } from '../../core/testing/manifests';
import type { ObjectChange } from '../../shared/kube';
import { DiagnosticsService } from './DiagnosticsService';

describe('DiagnosticsService', () => {
  it('takes a first list of 200,000 changes while judging is pending (more than a call takes arguments)', () => {
    const diagnostics = new DiagnosticsService(() => {});
    const changes: ObjectChange[] = Array.from({ length: 200_000 }, () => ({ type: 'added', key: '', object: pod('shop', 'a') }));
    diagnostics.drawn({ objects: [] }, [], undefined);
    diagnostics.findings();
    expect(() => diagnostics.drawn({ objects: [] }, changes, undefined)).not.toThrow();
  });
});
