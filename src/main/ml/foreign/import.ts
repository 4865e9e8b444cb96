// `openecg model import --onnx --card`: a model made elsewhere becomes a foreign bundle. The card is
// validated (zod) and checked against the graph with ONNX Runtime (names, shapes, lead count,
// symbolic axes, operators, a trial run); only a card that fits its graph is written.
import { readFileSync } from 'node:fs';
import { ModelCardError, parseModelCard, type ModelCard } from '../../../shared/model-card.js';
import { codeVersion } from '../bundle.js';
import { writeForeignBundle, type ForeignBundleJson } from './bundle.js';
import { checkCardAgainstGraph } from './card.js';

export interface ForeignImport {
  readonly out: string;
  readonly card: ModelCard;
  readonly json: ForeignBundleJson;
  readonly notes: readonly string[];
}

/** Reads, checks and writes; a ModelCardError (one line) for anything wrong with the card or the graph. */
export async function importForeignModel(onnxPath: string, cardPath: string, out: string): Promise<ForeignImport> {
  let cardText: string;
  try {
    cardText = readFileSync(cardPath, 'utf8');
  } catch (err) {
    throw new ModelCardError(`cannot read the model card ${cardPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(cardText);
  } catch (err) {
    throw new ModelCardError(`${cardPath} is not JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  let card: ModelCard;
  try {
    card = parseModelCard(json);
  } catch (err) {
    if (err instanceof ModelCardError) throw new ModelCardError(`${cardPath}: ${err.message}`);
    throw err;
  }
  let graph: Uint8Array;
  try {
    graph = new Uint8Array(readFileSync(onnxPath));
  } catch (err) {
    throw new ModelCardError(`cannot read the ONNX graph ${onnxPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const check = await checkCardAgainstGraph(card, graph);
  if (check.problems.length > 0) throw new ModelCardError(`${cardPath} does not fit ${onnxPath}: ${check.problems.join('; ')}`);
  const written = writeForeignBundle(out, { graph, card, cardText, from: { onnx: onnxPath, card: cardPath }, notes: check.notes, codeVersion: codeVersion() });
  return { out, card, json: written, notes: check.notes };
}
