/**
 * `npm run bench`: measures this checkout and prints one table (plus a JSON file with the
 * same figures). A benchmark, not a test: it never fails on slow figures, it reports them.
 *
 *   stage   the pipeline's Build stage, its buildspec command with `--skip-publish`, on what
 *           a fresh clone has (no build outputs, no .nx): cold (task cache empty) and warm
 *           (the task cache of the previous run, one file of apps/sample-api changed)
 *   synth   each app, all stacks (`cdk synth -q`), and where the time goes (construction,
 *           assets, validation plugins, writing) from a CPU profile of the app
 *   action  a test action's setup: from a clean folder holding only the build output to the
 *           first test starting
 *   lambda  every function of both apps and the safe-lambda-deploy hooks: bundle size
 *           (minified, gzipped) and cold init (fresh node processes loading the bundle)
 *           next to a floor (a process loading only the AWS SDK clients the bundle uses)
 *   tests   the full test suite, uncached
 *   path    the modelled critical path of the pipeline (push → dev deployed → prod ready for
 *           approval → prod done): the steps measured here plus AWS durations, each labelled
 *
 * With --full-build also: cold `npx projen build`, a no-change rebuild and an nx affected run.
 * Options: --runs N (cheap figures, default 3), --init-runs N (default 7),
 * --heavy-runs N (minutes each, default 1), --skip-build (no build-stage figures),
 * --stage-only (only the build-stage figures), --out FILE.
 */
import { execSync, spawnSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, totalmem } from 'os';
import { dirname, join, resolve } from 'path';
import { gzipSync } from 'zlib';
import { buildStageCommand } from '@crosswalk/build-account';
import { benchTestActionSetup } from './bench-test-action';
import { profileSynth, SynthBreakdown } from './bench-synth-profile';

const ROOT = resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = opt('runs', 3);
const INIT_RUNS = Math.max(5, opt('init-runs', 7));
const HEAVY_RUNS = opt('heavy-runs', 1);
const OUT = (() => { const i = args.indexOf('--out'); return i >= 0 ? resolve(args[i + 1]) : join(ROOT, '.tmp', 'bench.json'); })();
const SKIP_BUILD = args.includes('--skip-build');
const FULL_BUILD = args.includes('--full-build');
const STAGE_ONLY = args.includes('--stage-only');

interface Figure { readonly median: number; readonly min: number; readonly max: number; readonly runs: number; readonly samples: readonly number[] }

function figure(samples: number[]): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length, samples };
}

/** Runs a shell command in the repo, returns seconds; output goes to a log, not the console. */
function timed(cmd: string, cwd = ROOT): { seconds: number; output: string } {
  const start = process.hrtime.bigint();
  const res = spawnSync('bash', ['-c', cmd], { cwd, encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', NX_TUI: 'false' } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (res.status !== 0) {
    throw new Error(`bench: '${cmd}' failed (exit ${res.status}):\n${(res.stdout ?? '').slice(-3000)}\n${(res.stderr ?? '').slice(-3000)}`);
  }
  return { seconds, output: `${res.stdout}\n${res.stderr}` };
}

function repeat(n: number, fn: () => number): Figure {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) samples.push(fn());
  return figure(samples);
}

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

// ---------------------------------------------------------------------------------------
function benchBuild() {
  // `npx projen build` is default (projen synth) → compile (nx build, docgen, synth) → test → package.
  // Running its phases one by one costs nothing extra and gives the uncached test suite's time too.
  log(`cold build x${HEAVY_RUNS} (nx reset, then the phases of npx projen build)`);
  const testSamples: number[] = [];
  const cold = repeat(HEAVY_RUNS, () => {
    timed('npx nx reset');
    const phases = ['default', 'compile', 'test', 'package'].map((phase) => {
      const seconds = timed(`npx projen ${phase}`).seconds;
      if (phase === 'test') testSamples.push(seconds);
      return seconds;
    });
    return phases.reduce((a, b) => a + b, 0);
  });
  log(`no-change rebuild x${RUNS}`);
  const rebuild = repeat(RUNS, () => timed('npx projen build').seconds);

  const touched = join(ROOT, 'apps', 'sample-api', 'src', 'main.ts');
  const original = readFileSync(touched, 'utf-8');
  const ran = new Set<string>();
  log(`affected build/test/synth after touching ${touched.slice(ROOT.length + 1)} x${HEAVY_RUNS}`);
  let affected: Figure;
  try {
    affected = repeat(HEAVY_RUNS, () => {
      // A new comment each run, so each run is a real change (not a cache hit of the last one).
      writeFileSync(touched, `${original}\n// bench ${Date.now()}\n`);
      const projects = timed('npx nx show projects --affected --json').output.match(/\[[^\]]*\]/)?.[0] ?? '[]';
      for (const p of JSON.parse(projects)) ran.add(p);
      return timed('npx nx affected -t build,test,synth --output-style=stream').seconds;
    });
  } finally {
    writeFileSync(touched, original);
  }
  return { cold, rebuild, affected, affectedProjects: [...ran].sort(), tests: figure(testSamples) };
}

const BENCH_TASK_CACHE = join(ROOT, '.tmp', 'bench-task-cache');
/** The Build stage's command, as the pipeline runs it, over a task cache of the bench and without publishing (no AWS call). */
const BUILD_STAGE = `${buildStageCommand(BENCH_TASK_CACHE)} --output-style=stream -- --skip-publish`;

/**
 * Removes what a fresh checkout does not have: every output nx would restore from its cache
 * (each target's `outputs`, from nx.json's target defaults and each project's package.json),
 * except the committed ones (docgen's API.md), so the Build stage is measured as CodeBuild
 * runs it, on a new clone. Left in place, the outputs make tsc --build skip "up to date"
 * projects on a cold run, and spare nx the restoring on a warm one. node_modules stays: `npm ci` is not part of the stage's command.
 */
function removeTargetOutputs(): string[] {
  const nx = JSON.parse(readFileSync(join(ROOT, 'nx.json'), 'utf-8'));
  // A clone has the committed outputs (e.g. docgen's API.md): those stay.
  const tracked = execSync('git ls-files', { cwd: ROOT, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean);
  const isTracked = (relative: string) => tracked.some((file) => file === relative || file.startsWith(`${relative}/`));
  const removed: string[] = [];
  for (const folder of ['packages', 'apps']) {
    for (const name of readdirSync(join(ROOT, folder))) {
      const projectRoot = join(ROOT, folder, name);
      if (!existsSync(join(projectRoot, 'package.json'))) continue;
      const targets = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf-8')).nx?.targets ?? {};
      const outputs = new Set<string>();
      for (const target of [...Object.values<any>(nx.targetDefaults ?? {}), ...Object.values<any>(targets)]) {
        for (const output of target.outputs ?? []) outputs.add(output);
      }
      for (const output of outputs) {
        if (!output.startsWith('{projectRoot}/')) throw new Error(`bench: cannot place the nx output ${output} (only {projectRoot}/… outputs are known)`);
        const path = join(projectRoot, output.slice('{projectRoot}/'.length));
        if (existsSync(path) && !isTracked(path.slice(ROOT.length + 1))) {
          rmSync(path, { recursive: true, force: true });
          removed.push(path.slice(ROOT.length + 1));
        }
      }
    }
  }
  return removed;
}

function benchBuildStage() {
  // As CodeBuild runs it: a fresh clone (no build output, no .nx), with the task cache
  // folder empty (cold) or as the previous run left it (warm).
  log(`build stage cold x${HEAVY_RUNS} (fresh clone: no .nx, no build outputs, task cache empty)`);
  const cold = repeat(HEAVY_RUNS, () => {
    timed('npx nx reset');
    removeTargetOutputs();
    rmSync(BENCH_TASK_CACHE, { recursive: true, force: true });
    return timed(BUILD_STAGE).seconds;
  });
  const touched = join(ROOT, 'apps', 'sample-api', 'src', 'routes.ts');
  const original = readFileSync(touched, 'utf-8');
  log(`build stage warm x${HEAVY_RUNS} (fresh clone, task cache of the previous run, ${touched.slice(ROOT.length + 1)} changed)`);
  let warm: Figure;
  try {
    warm = repeat(HEAVY_RUNS, () => {
      // A new comment each run, so each run is a real change (not a cache hit of the last one).
      writeFileSync(touched, `${original}\n// bench ${Date.now()}\n`);
      // A fresh clone with the task cache restored: nx fetches from it (and unpacks) every
      // output a change did not touch; its own .nx is gone, as on a new build host.
      timed('npx nx reset');
      removeTargetOutputs();
      return timed(BUILD_STAGE).seconds;
    });
  } finally {
    writeFileSync(touched, original);
  }
  return { cold, warm };
}

function benchSynth() {
  const apps = readdirSync(join(ROOT, 'apps')).sort();
  const result: Record<string, Figure & { stacks: number; breakdown: SynthBreakdown; builtinValidation: Figure }> = {};
  for (const app of apps) {
    const dir = join(ROOT, 'apps', app);
    log(`synth ${app} x${RUNS}`);
    const fig = repeat(RUNS, () => timed('npx cdk synth -q', dir).seconds);
    // Count the stacks of this synthesis (the manifest), not template files an older synth left behind.
    const manifest = JSON.parse(readFileSync(join(dir, 'cdk.out', 'manifest.json'), 'utf-8'));
    const stacks = Object.values<any>(manifest.artifacts ?? {}).filter((a) => a.type === 'aws:cloudformation:stack').length;
    log(`synth ${app}: CPU profile, and one synth with CloudFormation's built-in validation on (what the tests run instead)`);
    const breakdown = profileSynth(dir);
    const builtinValidation = repeat(1, () => timed('CDK_VALIDATION=true npx cdk synth -q', dir).seconds);
    result[app] = { ...fig, stacks, breakdown, builtinValidation };
  }
  return result;
}

interface FunctionBundle { readonly name: string; readonly file: string }

/** Every Lambda function in the synthesized apps (by its code asset), plus the hook bundles. */
function findBundles(): FunctionBundle[] {
  const found = new Map<string, FunctionBundle>();
  for (const app of readdirSync(join(ROOT, 'apps')).sort()) {
    const out = join(ROOT, 'apps', app, 'cdk.out');
    if (!existsSync(out)) continue;
    for (const tpl of readdirSync(out).filter((f) => f.endsWith('.template.json'))) {
      const template = JSON.parse(readFileSync(join(out, tpl), 'utf-8'));
      for (const [logicalId, res] of Object.entries<any>(template.Resources ?? {})) {
        const assetPath = res.Type === 'AWS::Lambda::Function' ? res.Metadata?.['aws:asset:path'] : undefined;
        if (!assetPath) continue;
        const file = join(out, assetPath, 'index.js');
        if (existsSync(file) && !found.has(assetPath)) {
          found.set(assetPath, { name: `${app}/${logicalId.replace(/[0-9A-F]{8}$/, '')}`, file });
        }
      }
    }
  }
  const hooks = join(ROOT, 'packages', 'safe-lambda-deploy', 'assets');
  if (existsSync(hooks)) {
    for (const hook of readdirSync(hooks).sort()) {
      found.set(`hook:${hook}`, { name: `safe-lambda-deploy/${hook}`, file: join(hooks, hook, 'index.js') });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const LAMBDA_LIKE_ENV = {
  AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'bench', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256', POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TABLE_NAME: 'bench-table', APP_VERSION: '0.0.0',
  APP_COMMIT: 'bench', APP_ENVIRONMENT: 'bench', SMOKE_CHECK_PARAMETER: '/bench/url',
};

/** Milliseconds a fresh node process spends in require() of the given modules (median of runs). */
function initTime(modules: string[]): Figure {
  const script = `const t=process.hrtime.bigint();for(const m of ${JSON.stringify(modules)})require(m);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  return repeat(INIT_RUNS, () => {
    const res = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf-8',
      env: { ...process.env, ...LAMBDA_LIKE_ENV, NODE_PATH: join(ROOT, 'node_modules') },
      cwd: ROOT,
    });
    if (res.status !== 0) throw new Error(`bench: loading ${modules.join(', ')} failed: ${res.stderr}`);
    return Number(res.stdout);
  });
}

function benchFunctions() {
  return findBundles().map(({ name, file }) => {
    const code = readFileSync(file);
    const sdkClients = [...new Set([...code.toString('utf-8').matchAll(/require\("(@aws-sdk\/[a-z0-9-]+)"\)/g)].map((m) => m[1]))].sort();
    log(`init ${name} x${INIT_RUNS} (floor: ${sdkClients.join(', ') || 'node only'})`);
    const init = initTime([file]);
    const floor = initTime(sdkClients);
    return { name, file: file.slice(ROOT.length + 1), minifiedBytes: code.length, gzippedBytes: gzipSync(code).length, sdkClients, initMs: init, floorMs: floor };
  });
}

function benchTests() {
  log(`full test suite x${HEAVY_RUNS} (uncached)`);
  return repeat(HEAVY_RUNS, () => timed('npx nx run-many -t test --skip-nx-cache').seconds);
}

interface PathStep {
  readonly step: string;
  readonly seconds: number;
  /** measured here, or modelled (an AWS figure, or an assumption where AWS documents none) */
  readonly kind: 'measured' | 'modelled';
  readonly source: string;
}

const NO_AWS_FIGURE = 'assumption: AWS documents no duration for this';
const CODEBUILD_PHASES = 'assumption; CodeBuild documents its QUEUED and PROVISIONING phases but no duration (https://docs.aws.amazon.com/codebuild/latest/userguide/view-build-details.html)';

/**
 * The pipeline's critical path, push → dev deployed → prod ready for approval → prod done
 * (the person's approval itself excluded), from the steps measured here and AWS durations.
 */
function criticalPath(stageWarmSeconds: number | undefined, actionSetupSeconds: number, suiteSeconds: number) {
  const provisioning = (what: string): PathStep => ({ step: `${what}: CodeBuild queue and provisioning`, seconds: 60, kind: 'modelled', source: CODEBUILD_PHASES });
  const testAction = (what: string): PathStep[] => [
    provisioning(what),
    { step: `${what}: setup (build output only, no install)`, seconds: actionSetupSeconds, kind: 'measured', source: 'action setup, above' },
    { step: `${what}: the suite`, seconds: suiteSeconds, kind: 'measured', source: 'the integration suite against the local mode (jest), as a stand-in for the deployed API' },
  ];
  const toDev: PathStep[] = [
    { step: 'push → pipeline started (CodeConnections trigger)', seconds: 30, kind: 'modelled', source: NO_AWS_FIGURE },
    provisioning('Build'),
    { step: 'Build: npm ci (npm cache restored)', seconds: 45, kind: 'modelled', source: 'assumption: not measured here, it would replace this checkout\'s node_modules' },
    { step: 'Build: cache download and upload (S3)', seconds: 20, kind: 'modelled', source: NO_AWS_FIGURE },
    stageWarmSeconds === undefined
      ? { step: 'Build: build-stage (warm)', seconds: 0, kind: 'measured', source: 'not measured (--skip-build)' }
      : { step: 'Build: build-stage after a one-file change (warm cache)', seconds: stageWarmSeconds, kind: 'measured', source: 'stage warm, above' },
    { step: 'Dev: CloudFormation update with a CodeDeploy AllAtOnce shift and its hooks', seconds: 180, kind: 'modelled', source: NO_AWS_FIGURE },
    ...testAction('Dev integration'),
  ];
  const toApproval: PathStep[] = [
    { step: 'Prod: create change set', seconds: 30, kind: 'modelled', source: NO_AWS_FIGURE },
    { step: 'Prod: review (Lambda invoke action)', seconds: 10, kind: 'modelled', source: NO_AWS_FIGURE },
  ];
  const toDone: PathStep[] = [
    { step: 'Prod: verify the reviewed change set', seconds: 5, kind: 'modelled', source: NO_AWS_FIGURE },
    { step: 'Prod: CodeDeploy Linear10PercentEvery1Minute shift (10 increments of a minute)', seconds: 600, kind: 'modelled', source: 'https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html' },
    { step: 'Prod: the rest of the CloudFormation update and the hooks', seconds: 120, kind: 'modelled', source: NO_AWS_FIGURE },
    ...testAction('Prod sanity'),
    { step: 'Prod: bake on the prod alarms', seconds: 600, kind: 'modelled', source: 'the config: environments.prod.bakeMinutes = 10' },
  ];
  const sum = (steps: PathStep[]) => steps.reduce((t, st) => t + st.seconds, 0);
  const devDeployed = sum(toDev);
  const readyForApproval = devDeployed + sum(toApproval);
  return {
    steps: [...toDev, ...toApproval, ...toDone],
    milestones: { devDeployedSeconds: devDeployed, prodReadyForApprovalSeconds: readyForApproval, prodDoneSeconds: readyForApproval + sum(toDone) },
  };
}

function benchSuite(): Figure {
  log(`integration suite x${RUNS} (local mode, jest)`);
  return repeat(RUNS, () => timed('npx jest --ci test/integration', join(ROOT, 'apps', 'sample-api')).seconds);
}

// ---------------------------------------------------------------------------------------
const fmt = (f: Figure, unit: string, digits = 1) => `${f.median.toFixed(digits)} ${unit} (min ${f.min.toFixed(digits)}, max ${f.max.toFixed(digits)}, n=${f.runs})`;
const runsOf = (f: Figure) => f.samples.map((x) => x.toFixed(1)).join(', ');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function stageRows(stage: { cold: Figure; warm: Figure }): string[][] {
  return [
    ['stage', 'build-stage --skip-publish, cold (fresh clone)', fmt(stage.cold, 's'), `1.00 x cold; runs ${runsOf(stage.cold)}`],
    ['stage', 'build-stage, warm (1 sample-api file, cache restored)', fmt(stage.warm, 's'), `${(stage.warm.median / stage.cold.median).toFixed(2)} x cold; runs ${runsOf(stage.warm)}`],
  ];
}

function printTable(machine: { cores: number; cpu: string; memoryGiB: number; node: string; commit: string }, rows: string[][], totalSeconds: number): void {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(`Crosswalk bench — ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, commit ${machine.commit}`);
  for (const r of rows) console.log(`${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`);
  console.log(`bench took ${(totalSeconds / 60).toFixed(1)} min; figures in ${OUT}`);
}

function main(): void {
  const started = Date.now();
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, commit: execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf-8' }).trim() };
  const build = FULL_BUILD ? benchBuild() : undefined;
  const stage = SKIP_BUILD ? undefined : benchBuildStage();
  if (STAGE_ONLY && stage) {
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify({ machine, stage }, null, 2));
    printTable(machine, stageRows(stage), (Date.now() - started) / 1000);
    return;
  }
  timed('npx nx run-many -t build,synth');
  const synth = benchSynth();
  log('test action setup');
  const action = repeat(RUNS, () => benchTestActionSetup(ROOT).setupSeconds);
  const suite = benchSuite();
  const functions = benchFunctions();
  const tests = build ? build.tests : benchTests();
  const path = criticalPath(stage?.warm.median, action.median, suite.median);
  const totalSeconds = (Date.now() - started) / 1000;

  const rows: string[][] = [];
  if (stage) rows.push(...stageRows(stage));
  if (build) {
    rows.push(['build', 'cold npx projen build (nx cache cleared)', fmt(build.cold, 's'), '1.00 x cold']);
    rows.push(['build', 'no-change rebuild', fmt(build.rebuild, 's'), `${(build.rebuild.median / build.cold.median).toFixed(2)} x cold`]);
    rows.push(['build', 'affected after 1 sample-api file', fmt(build.affected, 's'), `${(build.affected.median / build.cold.median).toFixed(2)} x cold; ran: ${build.affectedProjects.join(' ')}`]);
  }
  const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;
  for (const [app, f] of Object.entries(synth)) {
    const b = f.breakdown;
    rows.push(['synth', app, fmt(f, 's'), `${f.stacks} stacks; profile: construct ${ms(b.constructMs)}, assets ${ms(b.assetsMs)}, validation plugins ${ms(b.validationMs)}, write ${ms(b.writeMs)} of ${ms(b.totalMs)}`]);
    rows.push(['synth', `${app}, CloudFormation validation on`, fmt(f.builtinValidation, 's'), 'CDK_VALIDATION=true: what the template-validation tests run instead']);
  }
  rows.push(['action', 'test action setup (build output only)', fmt(action, 's'), 'clean folder → first test starting']);
  for (const f of functions) {
    rows.push(['lambda', f.name, `${kb(f.minifiedBytes)} min, ${kb(f.gzippedBytes)} gz`,
      `init ${fmt(f.initMs, 'ms')} vs floor ${f.floorMs.median.toFixed(1)} ms = ${(f.initMs.median / f.floorMs.median).toFixed(2)} x`]);
  }
  rows.push(['tests', 'full suite, uncached', fmt(tests, 's'), build ? 'the test phase of the cold build' : 'nx run-many -t test --skip-nx-cache']);
  const minutes = (sec: number) => `${(sec / 60).toFixed(1)} min`;
  for (const st of path.steps) rows.push(['path', st.step, `${st.seconds.toFixed(1)} s`, `${st.kind}: ${st.source}`]);
  rows.push(['path', 'push → dev deployed and tested', minutes(path.milestones.devDeployedSeconds), '']);
  rows.push(['path', 'push → prod ready for approval', minutes(path.milestones.prodReadyForApprovalSeconds), '']);
  rows.push(['path', 'push → prod done (approval time excluded)', minutes(path.milestones.prodDoneSeconds), '']);
  printTable(machine, rows, totalSeconds);

  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ machine, stage, build, synth, action, suite, functions, tests, path, totalSeconds }, null, 2));
}

main();
