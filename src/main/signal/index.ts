// The canonical signal path: lead mapping, units, anti-aliased resampling, window rule, canonical store; foreign model inputs.
export { unitScaleToMv } from './units.js';
export { identifyLead, mapLeads, type IdentifiedLead, type LeadMap, type LeadStatus, type LeadTerm } from './leads.js';
export { filterBank, inputSupport, outputLength, resampleInto, resamplePoly, resampleRatio, type FilterBank, type Ratio } from './resample.js';
export { MAX_BRIDGED_GAP_SECONDS, fillGaps, hasNaN, type GapFill } from './gaps.js';
export { WINDOW_RULES, badSamplePrefix, chooseWindow, type WindowChoice, type WindowRequest, type WindowRule } from './window.js';
export { canonicalize, type Canonical, type CanonicalSettings } from './canonical.js';
export { DEFAULT_RECORDS_PER_SHARD, STORE_FORMAT, STORE_VERSION, ShardStore, StoreError, type AppendedRecord, type StoreDtype, type StoreLocation, type StoreSettings } from './store.js';
export { LockError } from './lock.js';
export { butterSos, butterZpk, sosfilt, sosfiltZi, sosfiltfilt, sosfiltfiltPadlen, type ButterType, type Section } from './butterworth.js';
export { ModelInputError, filterSections, minimumSamples, prepareModelInput, type ModelInput, type ModelInputOptions, type ModelInputSpec } from './model-input.js';
