import { JsonFile, javascript, typescript } from 'projen';
import { NxConfig } from './nx-config';
import { PullRequestWorkflow, ReleaseWorkflow } from './workflows';
import { VERSIONS } from './versions';

/** nx flags shared by every root task: stream each task's output, no cloud. */
const NX = 'nx';

/**
 * The monorepo root: npm workspaces over packages/* and apps/*, nx for task
 * orchestration, one install at the root, and the root tasks (build, test,
 * affected variants, consumer check, code-only packaging).
 */
export class CrosswalkMonorepo extends typescript.TypeScriptProject {
  public readonly nx: NxConfig;

  constructor() {
    super({
      name: 'crosswalk',
      description: 'Safe, cross-account delivery of serverless apps on AWS',
      defaultReleaseBranch: 'main',
      projenrcTs: true,
      projenrcTsOptions: { filename: '.projenrc.ts' },
      typescriptVersion: VERSIONS.typescript,
      minNodeVersion: VERSIONS.minNode,
      packageManager: javascript.NodePackageManager.NPM,
      projenVersion: VERSIONS.projen,
      licensed: false,
      jest: false,
      eslint: false,
      prettier: false,
      sampleCode: false,
      release: false,
      buildWorkflow: false,
      depsUpgrade: false,
      pullRequestTemplate: false,
      disableTsconfig: true,
      tsconfigDev: {
        include: ['.projenrc.ts', 'projenrc/**/*.ts', 'tools/**/*.ts'],
        compilerOptions: {},
      },
      devDeps: [
        `nx@${VERSIONS.nx}`,
        `constructs@${VERSIONS.constructs}`,
        `ts-node@${VERSIONS.tsNode}`,
        // projen's release machinery runs it to read the conventional commits (release-version).
        `commit-and-tag-version@${VERSIONS.commitAndTagVersion}`,
        // Lint: the CDK team's rules (@cdklabs/eslint-plugin) and a few correctness rules.
        `eslint@${VERSIONS.eslint}`,
        `@typescript-eslint/parser@${VERSIONS.typescriptEslint}`,
        `@typescript-eslint/eslint-plugin@${VERSIONS.typescriptEslint}`,
        `@cdklabs/eslint-plugin@${VERSIONS.cdklabsEslintPlugin}`,
        // The tools' tests (tools/test), run as the packages' are.
        `jest@${VERSIONS.jest}`, 'jest-junit@^17', `@types/jest@${VERSIONS.jest}`, `@swc/jest@${VERSIONS.swcJest}`, `@swc/core@${VERSIONS.swcCore}`,
      ],
    });
    this.package.addField('private', true);
    this.package.addField('workspaces', ['packages/*', 'apps/*']);
    // npm 11 asks which dependencies may run install scripts.
    this.package.addAllowedScripts('esbuild', 'nx', '@swc/core', '@parcel/watcher', 'classic-level');
    this.gitignore.exclude('/.tmp/');
    this.gitignore.exclude('/tools/test-reports/');

    new JsonFile(this, 'tsconfig.base.json', {
      obj: {
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          lib: ['es2022'],
          strict: true,
          declaration: true,
          esModuleInterop: true,
          skipLibCheck: true,
          noImplicitReturns: true,
          noFallthroughCasesInSwitch: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          forceConsistentCasingInFileNames: true,
          resolveJsonModule: true,
          types: ['node', 'jest'],
        },
      },
    });
    // One lint for every package and app: the CDK team's rules, which find what a template
    // or a function gets wrong across partitions and under load, not a style war. A finding
    // that is safe is acknowledged beside the code, with why (eslint-disable-next-line).
    new JsonFile(this, '.eslintrc.json', {
      // eslint refuses projen's "//" marker key; the file is still projen's (.projen/files.json).
      marker: false,
      obj: {
        root: true,
        parser: '@typescript-eslint/parser',
        parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
        plugins: ['@typescript-eslint', '@cdklabs'],
        rules: {
          '@cdklabs/no-core-construct': 'error',
          '@cdklabs/invalid-cfn-imports': 'error',
          '@cdklabs/no-literal-partition': 'error',
          '@cdklabs/no-invalid-path': 'error',
          '@cdklabs/promiseall-no-unbounded-parallelism': 'error',
          '@cdklabs/no-this-in-static': 'error',
          'no-debugger': 'error',
          'no-dupe-keys': 'error',
          'no-unreachable': 'error',
          'no-self-assign': 'error',
          '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        },
      },
    });
    // The repository's own scripts (tools/) that root tasks run with ts-node: the same compiler
    // options as .projenrc.ts (ts-node reads the nearest tsconfig.json).
    new JsonFile(this, 'tools/tsconfig.json', {
      allowComments: true,
      obj: {
        extends: '../tsconfig.dev.json',
        compilerOptions: { noEmit: true, rootDir: '..' },
        include: ['**/*.ts'],
        exclude: ['node_modules'],
      },
    });
    this.nx = new NxConfig(this);
    new PullRequestWorkflow(this);
    new ReleaseWorkflow(this);
    this.configureRootTasks();
  }


  private configureRootTasks(): void {
    this.tasks.addEnvironment('JSII_SILENCE_SUPPORT_WARNING', '1');
    this.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
    this.tasks.addEnvironment('NX_NO_CLOUD', 'true');
    this.tasks.addEnvironment('NX_DAEMON', 'false');
    for (const name of ['compile', 'package', 'test', 'post-compile', 'pre-compile']) {
      this.tasks.tryFind(name)?.reset();
    }
    // install: one npm install at the root, after all package.json files are written.
    this.tasks.tryFind('install:ci')?.reset('npm ci');

    // build = default (synth) → compile (nx build, docgen, synth) → test (nx test) → package (list).
    const all = 'build,docgen,test,synth';
    this.compileTask.exec(`${NX} run-many -t build,docgen,synth --output-style=stream`);
    const lint = this.addTask('lint', {
      description: 'eslint over every package\'s and app\'s source and functions (.eslintrc.json)',
      exec: 'eslint --max-warnings 0 \'packages/*/src/**/*.ts\' \'packages/*/lambda/**/*.ts\' \'apps/*/src/**/*.ts\'',
    });
    this.testTask.spawn(lint);
    // The repository's own tools (tools/test): jest through swc, as the packages', with their JUnit report.
    const toolsTest = this.addTask('test:tools', {
      description: 'The tests of the repository\'s own tools (tools/test)',
      exec: 'jest --ci --rootDir tools --roots \'<rootDir>/test\' --testMatch \'**/*.test.ts\' --transform \'{"^.+\\\\.ts$":"@swc/jest"}\' --reporters default --reporters jest-junit',
      env: { JEST_JUNIT_OUTPUT_DIR: 'tools/test-reports' },
    });
    this.testTask.spawn(toolsTest);
    this.testTask.exec(`${NX} run-many -t test,readme-examples --output-style=stream`);
    this.testTask.exec('ts-node --transpile-only tools/test-summary.ts', { name: 'sum the JUnit reports' });
    this.packageTask.exec(`${NX} show projects --with-target build --sep ' '`, { name: 'list the packages built' });
    this.addTask('synth', {
      description: 'Synthesize every app (all stacks) on the built-in example config',
      exec: `${NX} run-many -t synth --output-style=stream`,
    });
    this.addTask('affected', {
      description: 'Build, test and synthesize only what changed since the base branch',
      exec: `${NX} affected -t ${all} --output-style=stream`,
    });
    this.addTask('affected:test', {
      description: 'Test only what changed since the base branch (and its dependents)',
      exec: `${NX} affected -t test --output-style=stream`,
    });
    this.addTask('package:code-only', {
      description: 'jsii-pacmak --code-only for .NET and Python over every construct package',
      exec: `${NX} run-many -t package:code-only --output-style=stream`,
    });
    this.addTask('compliance', {
      description: 'AWS Control Tower proactive controls (cfn-guard) over every stack of both apps, with a report',
      exec: `${NX} run-many -t compliance --output-style=stream`,
    });
    this.addTask('bench', {
      description: 'Measure build, synth, function bundles and cold init, and the test suite; print a table',
      exec: 'ts-node --transpile-only tools/bench.ts',
      receiveArgs: true,
    });
    this.addTask('release:version', {
      description: 'The version of the next release, from the conventional commits since the last v* tag; --apply writes it into the packages',
      exec: 'ts-node --transpile-only tools/release-version.ts',
      receiveArgs: true,
    });
    this.addTask('consumer-check', {
      description: 'Pack every construct package and use the tarballs from a fresh project outside the workspace',
      exec: `${NX} run-many -t build --projects='packages/*' --output-style=stream && ts-node --transpile-only tools/consumer-check.ts`,
    });
  }
}

