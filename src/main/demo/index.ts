// The built-in multi-center demo corpus: synthetic 12-lead ECGs written in the real collections' layouts.
export { generateDemoCorpus, type DemoOptions } from './generate.js';
export { DEMO_CENTERS, type DemoCenter, type DemoLayout, type DemoAdapter } from './centers.js';
export type { DemoManifest, DemoRecordEntry, DemoCenterEntry } from './manifest.js';
export { synthesizeRecord, type RecordSpec, type RecordTruth, type SynthRecord } from './synth/record.js';
