// Parsing what Slurm's clients print (Slurm 22.05's formats, as seen on the test cluster), and the
// job scripts shared by `openecg cluster plan` and the Slurm engine.
import { describe, expect, it } from 'vitest';
import { sbatchScript, shellQuote, torchrunScript } from '../../src/main/experiments/cluster-scripts.js';
import { isActive, parseSacct, parseSbatch, parseScontrolJob, parseSqueue } from '../../src/main/experiments/engines/slurm-client.js';
import { cpusPerTask, slurmSchema } from '../../src/main/experiments/slurm-config.js';

describe('Slurm client output', () => {
  it('sbatch --parsable: the id, with or without a cluster name; nothing else is an id', () => {
    expect(parseSbatch('42\n')).toBe('42');
    expect(parseSbatch('1234;ci\n')).toBe('1234');
    expect(() => parseSbatch('sbatch: error: Batch job submission failed\n')).toThrow(/printed no job id/);
  });

  it('squeue: state, reason and nodes per job; blank and foreign lines skipped', () => {
    const m = parseSqueue('1|FAILED|NonZeroExitCode|vm\n2|PENDING|DependencyNeverSatisfied|\n\nslurm_load_jobs error\n3|RUNNING|None|node[01-02]\n');
    expect([...m.keys()]).toEqual(['1', '2', '3']);
    expect(m.get('2')).toEqual({ id: '2', state: 'PENDING', reason: 'DependencyNeverSatisfied', nodes: '' });
    expect(m.get('3')!.nodes).toBe('node[01-02]');
    expect(isActive('PENDING') && isActive('RUNNING') && isActive('COMPLETING')).toBe(true);
    expect(isActive('COMPLETED') || isActive('FAILED') || isActive('NODE_FAIL') || isActive('CANCELLED')).toBe(false);
  });

  it('scontrol show job -o: state, reason, exit code and node list', () => {
    const line = 'JobId=7 JobName=pre UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 ExitCode=3:0 RunTime=00:00:03 NodeList=vm BatchHost=vm NumNodes=1';
    expect(parseScontrolJob(line)).toEqual({ id: '7', state: 'FAILED', reason: 'NonZeroExitCode', nodes: 'vm', exitCode: 3 });
    expect(parseScontrolJob('JobId=8 JobState=NODE_FAIL Reason=NodeDown ExitCode=0:9 NodeList=(null)')).toMatchObject({ state: 'NODE_FAIL', nodes: '', exitCode: 0 });
    expect(parseScontrolJob('slurm_load_jobs error: Invalid job id specified')).toBeNull();
  });

  it('sacct -P: "CANCELLED by 0" keeps its state word; no accounting is null', () => {
    expect(parseSacct('12|CANCELLED by 0|0:15|gpu03\n')).toEqual({ id: '12', state: 'CANCELLED', reason: 'CANCELLED by 0', nodes: 'gpu03', exitCode: 0 });
    expect(parseSacct('13|COMPLETED|0:0|None assigned\n')).toMatchObject({ state: 'COMPLETED', nodes: '', exitCode: 0 });
    expect(parseSacct('')).toBeNull();
  });
});

describe('job scripts', () => {
  it('torchrun.sh runs the quoted trainer arguments; job.sbatch asks only for what is configured', () => {
    const args = ['-m', 'openecg_cluster.train', '--out', "/shared/runs/it's here"].map(shellQuote).join(' ');
    expect(args).toBe(`-m openecg_cluster.train --out '/shared/runs/it'\\''s here'`);
    const run = torchrunScript({ nodes: 1, procsPerNode: 2, train: args, torchrun: '/opt/torch/bin/torchrun' });
    expect(run).toContain('exec /opt/torch/bin/torchrun --nnodes 1 --nproc_per_node 2');
    const s = slurmSchema.parse({ partition: 'gpu', account: 'ecg-lab', workers: 3, ranksPerNode: 2, sbatch: ['--mem=64G'], setup: ['module load pytorch'] });
    expect(cpusPerTask(s)).toBe(8);
    const job = sbatchScript({ jobName: 'pre-wo-a', nodes: 1, gpusPerNode: 0, cpusPerTask: cpusPerTask(s), time: s.time, partition: s.partition, account: s.account, extra: s.sbatch, setup: s.setup });
    expect(job).not.toContain('--gpus-per-node');
    for (const line of ['#SBATCH --job-name=pre-wo-a', '#SBATCH --cpus-per-task=8', '#SBATCH --partition=gpu', '#SBATCH --account=ecg-lab', '#SBATCH --mem=64G', '#SBATCH --time=24:00:00', 'module load pytorch', 'echo "$SLURM_JOB_ID $(hostname)" > "$RUN/visible-$SLURM_JOB_ID"', 'mv "$RUN/exit-$SLURM_JOB_ID.tmp" "$RUN/exit-$SLURM_JOB_ID"']) expect(job).toContain(line);
    expect(job.indexOf('module load pytorch')).toBeLessThan(job.indexOf('srun'));
  });

  it('the slurm section refuses shell in sbatch options and malformed times', () => {
    expect(slurmSchema.safeParse({ sbatch: ['--mem=1G; rm -rf /'] }).success).toBe(false);
    expect(slurmSchema.safeParse({ time: 'soon' }).success).toBe(false);
    expect(slurmSchema.safeParse({ time: '2-00:00:00', sbatch: ['--exclusive', '-C', '--gres=gpu:a100:4'] }).success).toBe(true);
    expect(slurmSchema.safeParse({ partiton: 'gpu' }).success).toBe(false);
  });
});
