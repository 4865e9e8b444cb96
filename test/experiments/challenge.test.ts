import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSES } from '../../src/shared/classes.js';
import { challengeContributions, challengeMetric } from '../../src/main/experiments/metrics/challenge.js';
import {
  CHALLENGE_NORMAL_CLASS,
  CHALLENGE_WEIGHTS,
  challengeWeightMatrix,
} from '../../src/main/experiments/metrics/challenge-weights.js';
import { auroc, averagePrecision } from '../../src/main/experiments/metrics/ranking.js';
import { SeededRandom } from '../../src/main/experiments/metrics/bootstrap.js';

const ABBR = CLASSES.map((c) => c.abbreviation);

describe('challenge weights', () => {
  it('cover the 24 classes, symmetric with a unit diagonal, NSR as the normal class', () => {
    expect([...CHALLENGE_WEIGHTS.keys()]).toEqual(ABBR);
    const w = challengeWeightMatrix(ABBR)!;
    for (let i = 0; i < 24; i++) {
      expect(w[i][i]).toBe(1);
      for (let j = 0; j < 24; j++) {
        expect(w[i][j]).toBe(w[j][i]);
        expect(w[i][j]).toBeGreaterThan(0);
      }
    }
    expect(CHALLENGE_NORMAL_CLASS).toBe('NSR');
  });

  it('hold the official values (spot checks against weights.csv)', () => {
    const at = (a: string, b: string) => CHALLENGE_WEIGHTS.get(a)!.get(b);
    expect(at('IAVB', 'AF')).toBe(0.3);
    expect(at('NSR', 'QAb')).toBe(0.15);
    expect(at('PAC', 'IAVB')).toBe(0.4625);
    expect(at('PVC', 'PR')).toBe(0.5);
    expect(at('RBBB', 'LQRSV')).toBe(0.475);
    expect(at('TInv', 'TAb')).toBe(0.5);
    expect(challengeWeightMatrix(['AF', 'XYZ'])).toBeUndefined();
  });
});

describe('challenge metric', () => {
  it('matches a hand computation on four records', () => {
    // Classes AF, NSR, TAb: W(AF,NSR) = .25, W(AF,TAb) = .5, W(NSR,TAb) = .25.
    // r1 true {AF} pred {AF}: obs 1/1; correct 1; inactive W(AF,NSR)/|{AF,NSR}| = .125
    // r2 true {NSR} pred {AF,NSR}: obs (.25 + 1)/2 = .625; correct 1; inactive 1/1
    // r3 true {AF,TAb} pred {TAb}: obs (.5 + 1)/2 = .75; correct (1+.5+.5+1)/2 = 1.5; inactive (.25+.25)/3
    // r4 no labels, no outputs: 0 everywhere (divided by max(1, 0)).
    // observed 2.375 = 57/24, correct 3.5 = 84/24, inactive .125 + 1 + 1/6 = 31/24 -> (57-31)/(84-31) = 26/53.
    const weights = challengeWeightMatrix(['AF', 'NSR', 'TAb'])!;
    const labels = [
      [1, 0, 1, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ];
    const outputs = [
      [1, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ];
    expect(challengeMetric(labels, outputs, weights, 1)).toBeCloseTo(26 / 53, 14);
    const parts = challengeContributions(labels, outputs, weights, 1);
    expect(Array.from(parts.inactive)).toEqual([0.125, 1, 0.5 / 3, 0]);
  });

  it('is 1 for the true labels, 0 for normal-only outputs, null when they coincide', () => {
    const weights = challengeWeightMatrix(['AF', 'NSR'])!;
    const labels = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    expect(challengeMetric(labels, labels, weights, 1)).toBe(1);
    expect(challengeMetric(labels, [[0, 0, 0], [1, 1, 1]], weights, 1)).toBe(0);
    // Every record is normal only: the correct and the inactive classifier are the same.
    expect(challengeMetric([[0, 0], [1, 1]], [[1, 0], [0, 1]], weights, 1)).toBeNull();
  });
});

// The official algorithms (physionetchallenges/evaluation-2021 evaluate_model.py: compute_auc,
// compute_modified_confusion_matrix, compute_challenge_metric), transcribed with np.bool -> bool
// for current numpy, run on the same random data.
const OFFICIAL = String.raw`
import json, sys
import numpy as np

def compute_auc(labels, outputs):
    num_recordings, num_classes = np.shape(labels)
    auroc = np.zeros(num_classes)
    auprc = np.zeros(num_classes)
    for k in range(num_classes):
        thresholds = np.unique(outputs[:, k])
        thresholds = np.append(thresholds, thresholds[-1]+1)
        thresholds = thresholds[::-1]
        num_thresholds = len(thresholds)
        tp = np.zeros(num_thresholds); fp = np.zeros(num_thresholds)
        fn = np.zeros(num_thresholds); tn = np.zeros(num_thresholds)
        fn[0] = np.sum(labels[:, k]==1)
        tn[0] = np.sum(labels[:, k]==0)
        idx = np.argsort(outputs[:, k])[::-1]
        i = 0
        for j in range(1, num_thresholds):
            tp[j] = tp[j-1]; fp[j] = fp[j-1]; fn[j] = fn[j-1]; tn[j] = tn[j-1]
            while i < num_recordings and outputs[idx[i], k] >= thresholds[j]:
                if labels[idx[i], k]:
                    tp[j] += 1; fn[j] -= 1
                else:
                    fp[j] += 1; tn[j] -= 1
                i += 1
        tpr = np.zeros(num_thresholds); tnr = np.zeros(num_thresholds); ppv = np.zeros(num_thresholds)
        for j in range(num_thresholds):
            tpr[j] = float(tp[j]) / float(tp[j] + fn[j]) if tp[j] + fn[j] else float('nan')
            tnr[j] = float(tn[j]) / float(fp[j] + tn[j]) if fp[j] + tn[j] else float('nan')
            ppv[j] = float(tp[j]) / float(tp[j] + fp[j]) if tp[j] + fp[j] else float('nan')
        for j in range(num_thresholds-1):
            auroc[k] += 0.5 * (tpr[j+1] - tpr[j]) * (tnr[j+1] + tnr[j])
            auprc[k] += (tpr[j+1] - tpr[j]) * ppv[j+1]
    return auroc, auprc

def compute_modified_confusion_matrix(labels, outputs):
    num_recordings, num_classes = np.shape(labels)
    A = np.zeros((num_classes, num_classes))
    for i in range(num_recordings):
        normalization = float(max(np.sum(np.any((labels[i, :], outputs[i, :]), axis=0)), 1))
        for j in range(num_classes):
            if labels[i, j]:
                for k in range(num_classes):
                    if outputs[i, k]:
                        A[j, k] += 1.0/normalization
    return A

def compute_challenge_metric(weights, labels, outputs, classes, normal_class):
    num_recordings, num_classes = np.shape(labels)
    normal_index = classes.index(normal_class)
    A = compute_modified_confusion_matrix(labels, outputs)
    observed_score = np.nansum(weights * A)
    correct_outputs = labels
    A = compute_modified_confusion_matrix(labels, correct_outputs)
    correct_score = np.nansum(weights * A)
    inactive_outputs = np.zeros((num_recordings, num_classes), dtype=bool)
    inactive_outputs[:, normal_index] = 1
    A = compute_modified_confusion_matrix(labels, inactive_outputs)
    inactive_score = np.nansum(weights * A)
    if correct_score != inactive_score:
        return float(observed_score - inactive_score) / float(correct_score - inactive_score)
    return float('nan')

d = json.load(open(sys.argv[1]))
labels = np.array(d['labels'], dtype=bool)
outputs = np.array(d['outputs'], dtype=bool)
scores = np.array(d['scores'], dtype=np.float64)
weights = np.array(d['weights'], dtype=np.float64)
auroc, auprc = compute_auc(labels, scores)
print(json.dumps({
  'challenge': compute_challenge_metric(weights, labels, outputs, d['classes'], d['normal']),
  'auroc': auroc.tolist(), 'auprc': auprc.tolist(),
}))
`;

describe('against the official Python implementation', () => {
  it('agrees on the challenge metric, AUROC and AUPRC for random multi-label data', () => {
    const rng = new SeededRandom(2020);
    const n = 300;
    const weights = challengeWeightMatrix(ABBR)!;
    const normal = ABBR.indexOf('NSR');
    // Records by row for Python, by class for us. Prevalences vary per class; scores are tied (2 decimals).
    const prevalence = ABBR.map((_, c) => 0.05 + 0.4 * ((c * 7) % 24) / 24);
    const rows = Array.from({ length: n }, () => ABBR.map((_, c) => (rng.next() < prevalence[c] ? 1 : 0)));
    const scoreRows = rows.map((r) => r.map((l) => Math.round(Math.min(1, rng.next() * 0.8 + 0.3 * l) * 100) / 100));
    const outRows = scoreRows.map((r) => r.map((s) => (s >= 0.5 ? 1 : 0)));
    const byClass = (m: number[][]) => ABBR.map((_, c) => m.map((r) => r[c]));

    const dir = mkdtempSync(join(tmpdir(), 'openecg-challenge-'));
    writeFileSync(join(dir, 'official.py'), OFFICIAL);
    writeFileSync(join(dir, 'data.json'), JSON.stringify({ labels: rows, outputs: outRows, scores: scoreRows, weights, classes: ABBR, normal: 'NSR' }));
    const official = JSON.parse(execFileSync('/usr/bin/python3', [join(dir, 'official.py'), join(dir, 'data.json')], { encoding: 'utf8' }));

    const ours = challengeMetric(byClass(rows), byClass(outRows), weights, normal)!;
    expect(Math.abs(ours - official.challenge)).toBeLessThan(1e-12);
    expect(ours).toBeGreaterThan(-1);
    expect(ours).toBeLessThan(1);
    const labelsByClass = byClass(rows);
    const scoresByClass = byClass(scoreRows);
    ABBR.forEach((_, c) => {
      expect(Math.abs(auroc(labelsByClass[c], scoresByClass[c])! - official.auroc[c])).toBeLessThan(1e-12);
      expect(Math.abs(averagePrecision(labelsByClass[c], scoresByClass[c])! - official.auprc[c])).toBeLessThan(1e-12);
    });
  });
});
