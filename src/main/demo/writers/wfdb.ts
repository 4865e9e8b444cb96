// The demo writes WFDB records with the formats layer's writer.
export * from '../../formats/wfdb/write.js';
