import { awscdk } from 'projen';
import { CrosswalkMonorepo } from './monorepo';
import { COMMON_OPTIONS, ONE_PROGRAM_TSCONFIG, SCOPE, WORKSPACE_VERSION, asWorkspaceMember, compileAsOneProgram } from './workspace-package';
import { VERSIONS } from './versions';

export interface AppPackageOptions {
  readonly description: string;
  /** Sibling workspace packages this app imports (real workspace dependencies). */
  readonly uses?: Array<{ readonly package: { readonly packageName: string } }>;
  readonly deps?: string[];
  readonly devDeps?: string[];
  /**
   * Extra tasks of the app (scripts it runs with ts-node), by name. Each receives the
   * arguments given after the task name (`npx projen serve --port 3000`).
   */
  readonly tasks?: Record<string, AppTask>;
  /**
   * Lambda handlers under `src/handlers/<name>.ts` bundled by the app's cached nx `bundle`
   * target into `bundles/<name>/index.js`, which the stacks reference as prebuilt code:
   * synth then bundles nothing.
   */
  readonly functionBundles?: string[];
  /**
   * Folders of suites written on Node's own test runner (`node:test` and the `expect` package),
   * relative to the app: jest leaves them out, and the `test` task runs them with `node --test`
   * (through ts-node), its JUnit report in `test-reports/node-test.xml`.
   */
  readonly nodeTestSuites?: string[];
}

/** A script of the app, run by projen (`npx projen <name>`) and by nx (`npx nx run <app>:<name>`). */
export interface AppTask {
  readonly description: string;
  readonly exec: string;
  /**
   * nx targets to run first (the nx target's `dependsOn`): a script that imports a
   * workspace package loads its compiled `lib/`, which a fresh clone does not have, so it
   * needs `^build`.
   * @default none
   */
  readonly dependsOn?: string[];
  /**
   * nx runs the command itself (nx:run-commands in the app's folder, with the tasks'
   * environment), not through npm and projen: one second less for a command whose start
   * is on a critical path. `npx projen <name>` still runs it through projen.
   * @default false
   */
  readonly direct?: boolean;
}

/**
 * A private CDK app under `apps/<name>`. `build` type-checks and compiles src and test
 * into lib/ in one tsc program (so other workspace members may import it), `synth`
 * runs the compiled app (no ts-node at synth time), `test` runs jest through swc.
 */
export class AppPackage extends awscdk.AwsCdkTypeScriptApp {
  constructor(root: CrosswalkMonorepo, name: string, options: AppPackageOptions) {
    super({
      ...COMMON_OPTIONS,
      parent: root,
      outdir: `apps/${name}`,
      name: `${SCOPE}/${name}`,
      description: options.description,
      cdkVersion: VERSIONS.awsCdkLib,
      constructsVersion: VERSIONS.constructs,
      cdkCliVersion: VERSIONS.awsCdkCli,
      requireApproval: awscdk.ApprovalLevel.NEVER,
      app: 'node lib/src/main.js',
      context: { 'cli-telemetry': false },
      bundlerOptions: { esbuildVersion: VERSIONS.esbuild },
      tsconfig: ONE_PROGRAM_TSCONFIG,
      deps: [
        ...(options.uses ?? []).map((p) => `${p.package.packageName}@${WORKSPACE_VERSION}`),
        ...(options.deps ?? []),
      ],
      devDeps: [`cdk-nag@${VERSIONS.cdkNag}`, ...(options.devDeps ?? [])],
    });
    asWorkspaceMember(this);
    compileAsOneProgram(this);
    this.package.addField('private', true);
    this.cdkConfig.json.addOverride('notices', false);
    // The app is compiled by the nx build target before synth; cdk must not build again.
    this.cdkConfig.json.addDeletionOverride('build');
    for (const [taskName, task] of Object.entries(options.tasks ?? {})) {
      this.addTask(taskName, { description: task.description, exec: task.exec, receiveArgs: true });
      if (task.dependsOn !== undefined) {
        this.package.file.addOverride(`nx.targets.${taskName}.dependsOn`, task.dependsOn);
      }
      if (task.direct) {
        this.package.file.addOverride(`nx.targets.${taskName}.executor`, 'nx:run-commands');
        this.package.file.addOverride(`nx.targets.${taskName}.options`, {
          command: task.exec,
          cwd: '{projectRoot}',
          // projen's PATH entry is a shell expression for its own runner; nx's PATH already has node_modules/.bin.
          env: Object.fromEntries(Object.entries(this.tasks.env).filter(([name]) => name !== 'PATH')),
          forwardAllArgs: true,
        });
      }
    }
    // synth is its own nx target (cached, outputs cdk.out) that runs after build.
    this.tasks.tryFind('synth')?.reset('cdk synth -q');
    const suites = options.nodeTestSuites ?? [];
    for (const folder of suites) this.jest?.addIgnorePattern(`/${folder}/`);
    if (suites.length > 0) {
      this.testTask.exec(nodeTestCommand(suites.map((folder) => `${folder}/*.test.ts`), 'test-reports/node-test.xml'), { name: 'the suites on node:test' });
    }
    this.bundleFunctions(options.functionBundles ?? []);
  }

  /**
   * The functions' bundles are an nx target of their own (`bundle`, cached, output
   * `bundles/`), apart from the tsc `build`: the tests and synth read the bundles, not the
   * compiled tests, so the app's jest suite starts as soon as the (1 s) bundling is done
   * and runs beside the type-check instead of after it.
   */
  private bundleFunctions(handlers: string[]): void {
    if (handlers.length === 0) return;
    const bundle = this.tasks.tryFind('bundle') ?? this.addTask('bundle');
    bundle.description = 'Bundle the Lambda handlers (esbuild) into bundles/<name>/index.js (nx target `bundle`, cached)';
    for (const handler of handlers) {
      bundle.exec([
        `esbuild src/handlers/${handler}.ts --bundle --minify --platform=node --target=node22 --format=cjs`,
        `--external:@aws-sdk/* --outfile=bundles/${handler}/index.js --log-level=warning`,
      ].join(' '), { name: `bundle ${handler}` });
    }
    // `npx projen build` inside the app (no nx) still leaves the bundles its tests read.
    this.postCompileTask.spawn(bundle);
    this.gitignore.exclude('/bundles/');
    this.package.file.addOverride('nx.targets.bundle', {
      cache: true,
      dependsOn: ['^build'],
      inputs: ['production', '^production'],
      outputs: ['{projectRoot}/bundles'],
    });
    // Everything that synthesizes the app reads the bundles: its tests, synth, the compliance report.
    this.package.file.addOverride('nx.targets.test.dependsOn', ['^build', 'bundle']);
    this.package.file.addOverride('nx.targets.synth.dependsOn', ['build', '^build', 'bundle']);
    this.package.file.addOverride('nx.targets.compliance.dependsOn', ['build', '^build', 'bundle']);
  }
}

/**
 * `node --test` over TypeScript test files (through ts-node, which the test runner passes on to
 * each file's process), the spec on the terminal and JUnit into `junitFile`.
 */
export function nodeTestCommand(files: string[], junitFile: string): string {
  return [
    'node --require ts-node/register/transpile-only --test',
    '--test-reporter=spec --test-reporter-destination=stdout',
    `--test-reporter=junit --test-reporter-destination=${junitFile}`,
    ...files,
  ].join(' ');
}
