import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { LiveClusterSource } from '../cluster/LiveClusterSource';
import type { KubeObject, ObjectChange } from '../../shared/kube';
import { RecordingStore } from '../store/RecordingStore';
import { LiveRecording } from './LiveRecording';

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: `uid-${name}` } }) as KubeObject;

/** The part of a live source a recording uses, with a way to send it changes. */
function fakeSource(objects: KubeObject[]) {
  const listeners = new Set<(changes: readonly ObjectChange[]) => void>();
  const source = {
    identity: () => ({ context: 'kind-shop', cluster: 'kind-shop', server: 'https://127.0.0.1:6443', namespaces: [] }),
    currentObjects: () => objects,
    subscribeChanges: (listener: (changes: readonly ObjectChange[]) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { source: source as unknown as LiveClusterSource, listeners, send: (changes: ObjectChange[]) => listeners.forEach((l) => l(changes)) };
}

describe('LiveRecording', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-live-recording-'));
  afterEach(() => vi.useRealTimers());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records what the source holds, then its changes; stop ends the subscription and closes the file', () => {
    const path = join(dir, 'shop.strata');
    const { source, listeners, send } = fakeSource([pod('cart-1'), pod('cart-2')]);
    const recording = LiveRecording.start(source, path, { sync: { sync: 'synced', notices: [] }, onChange: () => {} });
    expect(recording.path).toBe(path);
    expect(recording.status(true)).toMatchObject({ path, events: 2 });
    expect(recording.reader.stateAt(Date.now()).size).toBe(2);

    send([{ type: 'added', key: '', object: pod('cart-3') }]);
    recording.stop();
    expect(listeners.size).toBe(0);
    expect(() => recording.reader.stateAt(Date.now())).toThrow(/not open/);
    const reopened = RecordingStore.open(path, { readonly: true });
    try {
      expect(reopened.stateAt(Date.now()).size).toBe(3);
    } finally {
      reopened.close();
    }
  });

  it('tells the session every two seconds while it records, and no more once stopped', () => {
    vi.useFakeTimers();
    const onChange = vi.fn();
    const { source } = fakeSource([pod('cart-1')]);
    const recording = LiveRecording.start(source, join(dir, 'grows.strata'), { sync: { sync: 'synced', notices: [] }, onChange });
    vi.advanceTimersByTime(4_000);
    expect(onChange).toHaveBeenCalledTimes(2);
    recording.stop();
    onChange.mockClear();
    vi.advanceTimersByTime(10_000);
    expect(onChange).not.toHaveBeenCalled();
  });
});
