/** One benchmark phase, in a process of its own (see index.ts). */
import { benchCoreTopology } from './coreTopology';
import { benchDiagnostics } from './diagnostics';
import { benchFlows } from './flows';
import { benchPolicy } from './policy';
import { benchLiveSync } from './liveSync';
import { benchRecording } from './recording';
import { benchRender } from './render';
import { benchSoak } from './soak';

const phases: Record<string, () => unknown> = { 'live-sync': benchLiveSync, core: benchCoreTopology, diagnostics: benchDiagnostics, recording: benchRecording, flows: benchFlows, policy: benchPolicy, render: benchRender, soak: benchSoak };
const run = phases[process.argv[2]];
if (!run) throw new Error(`unknown benchmark phase ${process.argv[2]}; one of ${Object.keys(phases).join(', ')}`);
await run();
