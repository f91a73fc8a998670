/**
 * A recorder writing as fast as it can, for the crash-safety test: after every commit it prints
 * `committed <events> <last event id>`, so the parent knows what must survive a SIGKILL.
 */
import { pod } from '../../src/core/testing/manifests';
import { Recorder } from '../../src/main/store/Recorder';
import { RecordingStore } from '../../src/main/store/RecordingStore';

const store = RecordingStore.open(process.argv[2]);
const recorder = new Recorder(store, { context: 'crash', cluster: 'crash', server: 'https://127.0.0.1', namespaces: [] }, { keyframeEveryEvents: 5000, flushEveryMs: 3_600_000 });
recorder.start();
let i = 0;
function burst(): void {
  for (let n = 0; n < 500; n++, i++) {
    recorder.record([{ type: i % 7 === 0 ? 'modified' : 'added', key: `k${i}`, object: pod(`ns-${i % 5}`, `p-${i % 2000}`, { ready: i % 2 === 0, ip: `10.1.${(i >> 8) & 255}.${i & 255}` }) }]);
  }
  const committed = recorder.flush();
  process.stdout.write(`committed ${committed} ${store.lastEventId()}\n`, () => setImmediate(burst));
}
burst();
