#!/usr/bin/env node
// Reading a 24-hour Holter's beat annotations: time and peak memory of
//   openecg read <record> --annotator atr --json      (the whole command, process start-up included)
// and of the reader in-process (readAnnotations), next to wfdb-python's rdann and the WFDB C
// library's rdann on the same file when they are installed.
//
// The file is written here: 24 h at 360 Hz, about 100,000 beats with realistic RR intervals (a
// day/night heart rate, sinus arrhythmia, PVCs with a compensatory pause, APCs, atrial
// fibrillation episodes as '+' rhythm notes "(AFIB" / "(N", noise marks). Its header has no
// signals, so the command's time is the annotations' (bench/formats.mjs times signal reading).
//
//   npm run build && node bench/annotations.mjs [--runs 5] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'main', 'formats');
if (!existsSync(join(dist, 'index.js'))) {
  process.stderr.write('bench/annotations.mjs: dist/main/formats is missing; run `npm run build` first\n');
  process.exit(2);
}
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } } });
const runs = Math.max(1, Number(values.runs));
const { writeAnnotations } = await import(pathToFileURL(join(dist, 'wfdb', 'annotation-write.js')).href);

const FS = 360;
const FRAMES = 24 * 3600 * FS;
const out = join(root, 'bench', 'out', 'annotations');
mkdirSync(out, { recursive: true });
const record = join(out, 'holter');

/** Deterministic uniform [0, 1) and normal draws. */
let seed = 20_240_601;
const uniform = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());

function holter() {
  const anns = [];
  let t = 0.6; // seconds
  let afibUntil = -1;
  let nextAfib = 3 * 3600 + 1234;
  let nextNoise = 1800;
  anns.push({ sample: Math.round(t * FS) - 100, symbol: '+', aux: '(N' });
  while (t < 24 * 3600 - 2) {
    const hour = t / 3600;
    if (t >= nextAfib && afibUntil < 0) {
      afibUntil = t + 600 + 900 * uniform();
      anns.push({ sample: Math.round(t * FS) - 20, symbol: '+', aux: '(AFIB' });
      nextAfib = t + 4 * 3600 + 3600 * uniform();
    } else if (afibUntil >= 0 && t > afibUntil) {
      afibUntil = -1;
      anns.push({ sample: Math.round(t * FS) - 20, symbol: '+', aux: '(N' });
    }
    if (t >= nextNoise) {
      anns.push({ sample: Math.round(t * FS) + 40, symbol: '~', subtype: 1 + Math.floor(uniform() * 3) });
      nextNoise = t + 1200 + 3600 * uniform();
    }
    // Heart rate: ~72 bpm by day, ~58 at night, sinus arrhythmia at ~0.25 Hz, beat-to-beat jitter.
    const bpm = 65 + 9 * Math.cos(((hour - 15) / 24) * 2 * Math.PI);
    let rr = (60 / bpm) * (1 + 0.04 * Math.sin(2 * Math.PI * 0.25 * t) + 0.02 * normal());
    let symbol = 'N';
    const u = uniform();
    if (afibUntil >= 0) rr = Math.max(0.35, 0.7 + 0.15 * normal());
    else if (u < 0.015) symbol = 'V';
    else if (u < 0.023) symbol = 'A';
    if (symbol === 'V' || symbol === 'A') rr *= 0.7;
    t += rr;
    anns.push({ sample: Math.round(t * FS), symbol });
    if (symbol === 'V') t += rr * 0.6; // compensatory pause
  }
  return anns.sort((a, b) => a.sample - b.sample);
}

const anns = holter();
writeFileSync(`${record}.hea`, `holter 0 ${FS} ${FRAMES}\n`);
writeAnnotations(`${record}.atr`, anns);
const beats = anns.filter((a) => 'NVA'.includes(a.symbol)).length;
const size = statSync(`${record}.atr`).size;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const devNull = () => openSync('/dev/null', 'w');
const hasTime = existsSync('/usr/bin/time');

/**
 * Runs a command `runs` times: median wall ms, median CPU ms (user + system) and peak RSS (MB)
 * as /usr/bin/time -v reports them. CPU time is the steadier figure on a shared machine.
 */
function timeCommand(cmd, args, opts = {}) {
  const walls = [];
  const cpus = [];
  let rss = 0;
  for (let i = 0; i <= runs; i++) {
    const fd = devNull();
    const t0 = performance.now();
    const p = hasTime
      ? spawnSync('/usr/bin/time', ['-v', cmd, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', ...opts })
      : spawnSync(cmd, args, { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', ...opts });
    const wall = performance.now() - t0;
    closeSync(fd);
    if (p.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${p.stderr}`);
    if (i === 0) continue; // warm-up (file cache)
    walls.push(wall);
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(p.stderr ?? '');
    if (m) rss = Math.max(rss, Number(m[1]) / 1024);
    const user = /User time \(seconds\): ([\d.]+)/.exec(p.stderr ?? '');
    const sys = /System time \(seconds\): ([\d.]+)/.exec(p.stderr ?? '');
    if (user && sys) cpus.push((Number(user[1]) + Number(sys[1])) * 1000);
  }
  return { ms: median(walls), cpuMs: cpus.length ? median(cpus) : null, rssMB: hasTime ? rss : null };
}

/** The reader in its own process: median ms over runs and that process's maxRSS. */
function timeInProcess(kind, from, to) {
  const script = `
    import { readAnnotations, forEachAnnotation } from ${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)};
    const times = [], cpus = []; let n = 0;
    for (let i = 0; i <= ${runs}; i++) {
      const t0 = performance.now(), c0 = process.cpuUsage();
      if (${JSON.stringify(kind)} === 'count') { n = 0; await forEachAnnotation(${JSON.stringify(record)}, 'atr', () => { n++; }); }
      else n = (await readAnnotations(${JSON.stringify(record)}, 'atr', { from: ${from}, to: ${to} })).annotations.length;
      const c = process.cpuUsage(c0);
      if (i > 0) { times.push(performance.now() - t0); cpus.push((c.user + c.system) / 1000); }
    }
    times.sort((a, b) => a - b); cpus.sort((a, b) => a - b);
    const mid = Math.floor(times.length / 2);
    console.log(JSON.stringify({ ms: times[mid], cpuMs: cpus[mid], n, rssMB: process.resourceUsage().maxRSS / 1024 }));`;
  const p = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`in-process ${kind} failed: ${p.stderr}`);
  return JSON.parse(p.stdout);
}

const cli = join(root, 'bin', 'openecg.js');
const hour = 3600 * FS;
const check = spawnSync(process.execPath, [cli, 'read', record, '--annotator', 'atr', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
const doc = JSON.parse(check.stdout);
if (doc.annotations.length !== anns.length) throw new Error(`the command printed ${doc.annotations.length} annotations, the file holds ${anns.length}`);

const results = {
  file: { path: `${record}.atr`, bytes: size, annotations: anns.length, beats, fs: FS, hours: 24 },
  command: timeCommand(process.execPath, [cli, 'read', record, '--annotator', 'atr', '--json']),
  commandWindow: timeCommand(process.execPath, [cli, 'read', record, '--annotator', 'atr', '--from', String(12 * hour), '--to', String(13 * hour), '--json']),
  // Start-up baseline: the same command on a real record's first sample (a header without signals is no record to read).
  commandNoAnnotations: timeCommand(process.execPath, [cli, 'read', join(root, '..', 'shared', 'ecg-samples', 'wfdb', '100'), '--to', '1', '--json']),
  inProcess: timeInProcess('whole', 0, 'undefined'),
  inProcessWindow: timeInProcess('whole', 12 * hour, 13 * hour),
  inProcessStreamed: timeInProcess('count', 0, 'undefined'),
  peers: {},
};

// wfdb-python's rdann, when importable.
const py = spawnSync('python3', ['-c', 'import wfdb, sys; sys.stdout.write(wfdb.__version__)'], { encoding: 'utf8' });
if (py.status === 0) {
  const script = `
import resource, time, wfdb
times, cpus = [], []
for i in range(${runs} + 1):
    t0, c0 = time.perf_counter(), time.process_time(); a = wfdb.rdann(${JSON.stringify(record)}, 'atr')
    if i: times.append(time.perf_counter() - t0); cpus.append(time.process_time() - c0)
times.sort(); cpus.sort()
print(len(a.sample), times[len(times) // 2] * 1000, cpus[len(cpus) // 2] * 1000, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)`;
  const p = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (p.status === 0) {
    const [n, ms, cpuMs, rss] = p.stdout.trim().split(/\s+/).map(Number);
    results.peers.wfdbPython = { version: py.stdout, n, inProcess: { ms, cpuMs, rssMB: rss }, command: timeCommand('python3', ['-c', `import wfdb; a = wfdb.rdann(${JSON.stringify(record)}, 'atr'); print(len(a.sample))`]) };
  } else results.peers.wfdbPython = { error: p.stderr.trim().split('\n').at(-1) };
} else results.peers.wfdbPython = { missing: 'wfdb-python is not installed (python3 -c "import wfdb" fails; PyPI is not reachable here)' };

// The WFDB C library's rdann (Debian has no wfdb package; used when a build is on the PATH).
const which = spawnSync('sh', ['-c', 'command -v rdann'], { encoding: 'utf8' });
if (which.status === 0 && which.stdout.trim()) {
  results.peers.rdannC = { command: timeCommand('rdann', ['-r', 'holter', '-a', 'atr'], { cwd: out, env: { ...process.env, WFDB: '.' } }) };
} else results.peers.rdannC = { missing: 'the WFDB C tools (rdann) are not installed (no Debian package: apt-cache search wfdb finds none)' };

if (values.json) {
  process.stdout.write(JSON.stringify(results, null, 1) + '\n');
} else {
  const f = (r) =>
    `${r.ms.toFixed(1).padStart(8)} ms wall${r.cpuMs != null ? `${r.cpuMs.toFixed(1).padStart(8)} ms CPU` : ''}${r.rssMB != null ? `  ${r.rssMB.toFixed(1).padStart(6)} MB peak RSS` : ''}`;
  const lines = [
    `24-hour Holter annotation file: ${anns.length} annotations (${beats} beats), ${(size / 1024).toFixed(0)} KiB, ${FS} Hz   (median of ${runs} runs)`,
    '',
    `openecg read --annotator atr --json          ${f(results.command)}   (whole command, start-up included)`,
    `openecg read --annotator atr (1 h) --json    ${f(results.commandWindow)}   (--from/--to: one hour of the 24)`,
    `openecg read 100 --to 1 --json (baseline)    ${f(results.commandNoAnnotations)}   (start-up, one sample, no annotator)`,
    `readAnnotations, in-process                  ${f(results.inProcess)}   (${results.inProcess.n} annotations kept)`,
    `readAnnotations 1 h window, in-process       ${f(results.inProcessWindow)}   (${results.inProcessWindow.n} kept, all decoded)`,
    `forEachAnnotation (count only), in-process   ${f(results.inProcessStreamed)}   (nothing kept: 64 KiB chunks)`,
  ];
  const wp = results.peers.wfdbPython;
  if (wp.missing || wp.error) lines.push(`wfdb-python rdann                            ${wp.missing ?? `failed: ${wp.error}`}`);
  else lines.push(`wfdb-python ${wp.version} rdann, in-process        ${f(wp.inProcess)}`, `python3 -c "wfdb.rdann(...)" command         ${f(wp.command)}`);
  const c = results.peers.rdannC;
  lines.push(c.missing ? `WFDB C rdann                                 ${c.missing}` : `WFDB C rdann -r holter -a atr > /dev/null    ${f(c.command)}`);
  process.stdout.write(lines.join('\n') + '\n');
}
