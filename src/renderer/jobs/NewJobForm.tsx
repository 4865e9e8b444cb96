// New jobs of every kind, with the settings the CLI and the job parameters take: import a folder,
// an experiment (LODO or scaling), one pre-training, a probe or fine-tune from a pre-trained
// bundle, an evaluation of a classifier bundle. Experiment settings come from a bundled config; the
// training kinds (experiment, pretrain, probe, finetune) take an engine, else the config's.
import { useEffect, useState } from 'react';
import type { ApiClient, JobSubmit, SystemInfo } from '../../shared/api.js';
import { TRAINING_ENGINE_NAMES } from '../../shared/api-jobs.js';
import { ModelPicker } from '../inspect/ModelPicker.js';
import { NameSelect } from '../charts/pickers.js';

type Kind = JobSubmit['kind'];
const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'import', label: 'Import a folder' },
  { kind: 'experiment', label: 'Experiment (LODO / scaling)' },
  { kind: 'pretrain', label: 'Pre-train one method' },
  { kind: 'probe', label: 'Linear probe' },
  { kind: 'finetune', label: 'Fine-tune' },
  { kind: 'evaluate', label: 'Evaluate a classifier' },
  { kind: 'demo-models', label: 'The demo models (small MAE + classifier)' },
];

type Engine = (typeof TRAINING_ENGINE_NAMES)[number];
const ENGINE_TITLES: Record<Engine, string> = {
  tfjs: 'TensorFlow.js in the job process',
  torch: 'the PyTorch trainer on this machine (GPU with AMP if torch sees one, else every CPU core)',
  slurm: 'the PyTorch trainer as Slurm jobs',
  auto: 'torch when python3 imports torch >= 1.13, else tfjs',
};

const centerList = (text: string) => {
  const list = text.split(',').map((c) => c.trim()).filter(Boolean);
  return list.length ? { centers: list } : {};
};

export function NewJobForm({ client, configs, onStarted }: { client: ApiClient; configs: readonly string[]; onStarted: () => void }) {
  const [kind, setKind] = useState<Kind>('experiment');
  const [info, setInfo] = useState<SystemInfo | null>(null);
  const [config, setConfig] = useState('small-cpu');
  const [experiment, setExperiment] = useState<'lodo' | 'scaling'>('lodo');
  const [engine, setEngine] = useState<Engine | ''>('');
  const [folder, setFolder] = useState('');
  const [dataset, setDataset] = useState('');
  const [center, setCenter] = useState('');
  const [workers, setWorkers] = useState('');
  const [method, setMethod] = useState(0);
  const [centers, setCenters] = useState('');
  const [bundle, setBundle] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.call('system.info', {}).then(setInfo, (e: Error) => setError(e.message));
  }, [client]);

  const request = (): JobSubmit => {
    switch (kind) {
      case 'import':
        return { kind, folder, ...(dataset ? { dataset } : {}), ...(center.trim() ? { center: center.trim() } : {}), ...(workers ? { workers: Number(workers) } : {}) };
      case 'experiment':
        return { kind, experiment, config, ...(engine ? { engine } : {}) };
      case 'pretrain':
        return { kind, config, method, ...centerList(centers), ...(engine ? { engine } : {}) };
      case 'probe':
      case 'finetune':
        return { kind, config, init: bundle, ...centerList(centers), ...(engine ? { engine } : {}) };
      case 'evaluate':
        return { kind, config, bundle, ...centerList(centers) };
      case 'demo-models':
        return { kind };
    }
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    client.call('jobs.submit', request()).then(onStarted, (err: Error) => setError(err.message));
  };
  const configField = kind !== 'import' && kind !== 'demo-models' && <NameSelect label="config" names={configs} value={config} onChange={setConfig} testId="new-job-config" />;
  const centersField = (kind === 'pretrain' || kind === 'probe' || kind === 'finetune' || kind === 'evaluate') && (
    <label title="comma-separated; empty: every center the config takes part with">
      centers <input value={centers} onChange={(e) => setCenters(e.target.value)} size={24} placeholder="all" data-testid="new-job-centers" />
    </label>
  );
  const trains = kind === 'experiment' || kind === 'pretrain' || kind === 'probe' || kind === 'finetune';
  const engineField = trains && (
    <label title={kind === 'experiment' ? 'who trains every step; scoring always runs here on ONNX Runtime' : 'who trains this job; scoring always runs here on ONNX Runtime'}>
      engine{' '}
      <select value={engine} onChange={(e) => setEngine(e.target.value as Engine | '')} data-testid="new-job-engine">
        <option value="">the config's</option>
        {TRAINING_ENGINE_NAMES.map((n) => (
          <option key={n} value={n} title={ENGINE_TITLES[n]}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form className="job-form new-job" onSubmit={submit} data-testid="new-job-form">
      <label>
        New job{' '}
        <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="new-job-kind">
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      {kind === 'import' && (
        <>
          <input value={folder} onChange={(e) => setFolder(e.target.value)} size={36} placeholder="/path/to/records" data-testid="new-job-folder" />
          <select value={dataset} onChange={(e) => setDataset(e.target.value)} title="layout (--dataset)">
            <option value="">detect layout</option>
            {(info?.importDatasets ?? []).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
          <input value={center} onChange={(e) => setCenter(e.target.value)} size={12} placeholder="center (--center)" />
          <input value={workers} onChange={(e) => setWorkers(e.target.value.replace(/\D/g, ''))} size={4} placeholder="workers" title="--workers (0: in the job's own thread)" />
        </>
      )}
      {kind === 'experiment' && (
        <>
          <select value={experiment} onChange={(e) => setExperiment(e.target.value as 'lodo' | 'scaling')} data-testid="new-job-experiment">
            <option value="lodo">LODO</option>
            <option value="scaling">data scaling</option>
          </select>
          {engineField}
        </>
      )}
      {configField}
      {kind === 'pretrain' && (
        <label title="index into the config's methods">
          method # <input type="number" min={0} max={20} value={method} onChange={(e) => setMethod(Math.max(0, Number(e.target.value) || 0))} style={{ width: 50 }} />
        </label>
      )}
      {(kind === 'probe' || kind === 'finetune') && <ModelPicker client={client} tasks={['pretrain-simclr', 'pretrain-byol', 'pretrain-mae']} value={bundle} onChange={setBundle} testId="new-job-init" />}
      {kind === 'evaluate' && <ModelPicker client={client} tasks={['probe', 'classifier']} value={bundle} onChange={setBundle} testId="new-job-bundle" />}
      {centersField}
      {kind !== 'experiment' && engineField}
      <button type="submit" data-testid="new-job-start">
        Start
      </button>
      {error && <span className="error" data-testid="new-job-error">{error}</span>}
    </form>
  );
}
