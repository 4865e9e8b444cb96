// Models kept open between calls: the inspection views call the same bundle again and again (new
// mask, another class's saliency), and opening re-reads and re-hashes the weights (and, on ONNX
// Runtime, may build the graph). One classifier and one MAE are kept; opening another closes the
// old one. A bundle rewritten on disk is noticed by its bundle.json's modification time.
// Engines: src/main/ml/infer (ONNX Runtime preferred, TensorFlow.js fallback; OPENECG_ENGINE forces one).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { chooseBackend } from '../ml/backend.js';
import { openEngine, type InferenceEngine } from '../ml/infer/index.js';
import { openForeignSession, type ForeignSession } from '../ml/foreign/session.js';

interface Slot {
  key: string;
  engine: Promise<InferenceEngine>;
}

const stamp = (dir: string) => `${dir}#${statSync(join(dir, 'bundle.json')).mtimeMs}`;

export class ModelCache {
  private readonly slots = new Map<'classifier' | 'mae', Slot>();
  private backend: Promise<unknown> | null = null;
  private foreignSlot: { key: string; session: Promise<ForeignSession> } | null = null;

  /** A foreign bundle's ONNX Runtime session (one kept open, like each role's engine). */
  async foreign(dir: string): Promise<ForeignSession> {
    const key = stamp(dir);
    const slot = this.foreignSlot;
    if (slot?.key === key) return slot.session;
    if (slot) void slot.session.then((s) => s.dispose(), () => undefined);
    const session = openForeignSession(dir);
    this.foreignSlot = { key, session };
    session.catch(() => this.foreignSlot?.session === session && (this.foreignSlot = null));
    return session;
  }

  /** The open engine of a bundle folder for one role (opened on first use). */
  async engineOf(dir: string, role: 'classifier' | 'mae'): Promise<InferenceEngine> {
    // The TF.js fallback needs a started backend; the server starts none until a view needs a model.
    this.backend ??= chooseBackend({ prefer: 'auto' });
    await this.backend;
    const key = stamp(dir);
    const slot = this.slots.get(role);
    if (slot?.key === key) return slot.engine;
    if (slot) void slot.engine.then((e) => e.dispose(), () => undefined);
    const engine = openEngine(dir);
    this.slots.set(role, { key, engine });
    // A failed open is not kept: the next call tries again.
    engine.catch(() => this.slots.get(role)?.engine === engine && this.slots.delete(role));
    return engine;
  }

  close(): void {
    for (const s of this.slots.values()) void s.engine.then((e) => e.dispose(), () => undefined);
    this.slots.clear();
    if (this.foreignSlot) void this.foreignSlot.session.then((s) => s.dispose(), () => undefined);
    this.foreignSlot = null;
  }
}
