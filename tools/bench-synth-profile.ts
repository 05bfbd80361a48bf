/**
 * Where an app's synthesis spends its time, from a V8 CPU profile of the app run directly
 * (`node --cpu-prof lib/src/main.js`): the profile's samples are attributed to the phase of
 * the innermost aws-cdk-lib frame that names it. Sampled figures (1 ms interval), with the
 * profiler's own overhead: they say where the time goes, the plain `cdk synth` runs say how long.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export interface SynthBreakdown {
  /** Loading modules and constructing the app (everything before `app.synth()` but asset staging). */
  readonly constructMs: number;
  /** Staging code assets, and bundling them when a function bundles at synth. */
  readonly assetsMs: number;
  /** Validation plugins (deploy rules, convention-role checks, cdk-nag, CloudFormation's when on). */
  readonly validationMs: number;
  /** Preparing and writing the cloud assembly (`app.synth()` without the validation). */
  readonly writeMs: number;
  readonly totalMs: number;
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }

/** Phases by the aws-cdk-lib function that starts them, innermost first. */
const PHASES: Array<[keyof Omit<SynthBreakdown, 'totalMs'>, RegExp]> = [
  ['validationMs', /^(validateTemplates|invokeValidationPlugins|doInvokeValidationPlugins)@.*synthesis-validation\.js$/],
  ['assetsMs', /^(stageByBundling|stageByCopying|AssetStaging|bundle)@.*asset-staging\.js$/],
  ['writeMs', /^synthesize@.*private\/synthesis\.js$/],
];

export function profileSynth(appDir: string, env: NodeJS.ProcessEnv = process.env): SynthBreakdown {
  const dir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  try {
    const res = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'lib/src/main.js'], {
      cwd: appDir, encoding: 'utf-8', env: { ...env, CDK_OUTDIR: join(dir, 'out') },
    });
    if (res.status !== 0) throw new Error(`bench: profiling the synth of ${appDir} failed: ${res.stderr.slice(-2000)}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`bench: no CPU profile written for ${appDir}`);
    return breakdown(JSON.parse(readFileSync(join(dir, file), 'utf-8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function breakdown(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }): SynthBreakdown {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phaseOf = new Map<number, keyof SynthBreakdown | undefined>();
  const classify = (id: number): keyof SynthBreakdown | undefined => {
    if (phaseOf.has(id)) return phaseOf.get(id);
    const node = nodes.get(id)!;
    const name = `${node.callFrame.functionName}@${node.callFrame.url}`;
    const own = PHASES.find(([, pattern]) => pattern.test(name))?.[0];
    const up = parent.get(id);
    const phase = own ?? (up === undefined ? undefined : classify(up));
    phaseOf.set(id, phase);
    return phase;
  };
  const totals = { constructMs: 0, assetsMs: 0, validationMs: 0, writeMs: 0, totalMs: 0 };
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totals.totalMs += ms;
    totals[classify(id) ?? 'constructMs'] += ms;
  });
  return totals;
}
