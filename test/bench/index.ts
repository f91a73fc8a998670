/**
 * `npm run bench`: figures and ratios, never pass/fail. Each case prints what it measured on this
 * machine; compare runs on the same machine only. The live sync runs first, on a clean heap.
 */
import { benchCoreTopology } from './coreTopology';
import { benchFlows } from './flows';
import { benchLiveSync } from './liveSync';
import { benchRecording } from './recording';

console.log(`Strata benchmarks — node ${process.version}, ${new Date().toISOString()}`);
await benchLiveSync();
benchCoreTopology();
benchRecording();
await benchFlows();
