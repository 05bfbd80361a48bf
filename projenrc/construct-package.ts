import { DependencyType, awscdk } from 'projen';
import { CrosswalkMonorepo } from './monorepo';
import { COMMON_OPTIONS, SCOPE, WORKSPACE_VERSION, asWorkspaceMember } from './workspace-package';
import { VERSIONS } from './versions';

export interface ConstructPackageOptions {
  /** One line for package.json and the registries. */
  readonly description: string;
  /** Sibling construct packages this one builds on (peer dependencies, as jsii requires). */
  readonly uses?: ConstructPackage[];
  /** Runtime dependencies bundled into the package (not part of its public API). */
  readonly bundledDeps?: string[];
  /** Extra development dependencies (test tools, handler typings). */
  readonly devDeps?: string[];
  /**
   * Lambda handlers shipped inside the package: `lambda/<name>.ts` is bundled by the
   * local esbuild into `assets/<name>/index.js` before compile, so consumers of the
   * published package need neither esbuild, Docker nor the handler sources.
   */
  readonly lambdaHandlers?: string[];
}

const pascal = (name: string) => name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const snake = (name: string) => name.replace(/-/g, '_');

/**
 * A jsii construct library under `packages/<name>`, published as `@crosswalk/<name>`
 * to npm, NuGet and PyPI, with API.md generated from its jsii assembly.
 */
export class ConstructPackage extends awscdk.AwsCdkConstructLibrary {
  constructor(root: CrosswalkMonorepo, name: string, options: ConstructPackageOptions) {
    super({
      ...COMMON_OPTIONS,
      parent: root,
      outdir: `packages/${name}`,
      name: `${SCOPE}/${name}`,
      description: options.description,
      cdkVersion: VERSIONS.awsCdkLib,
      constructsVersion: VERSIONS.constructs,
      jsiiVersion: VERSIONS.jsii,
      typecheckTests: true,
      release: false,
      docgen: false,
      publishToNuget: {
        packageId: `Crosswalk.${pascal(name)}`,
        dotNetNamespace: `Crosswalk.${pascal(name)}`,
      },
      publishToPypi: {
        distName: `crosswalk.${name}`,
        module: `crosswalk.${snake(name)}`,
      },
      peerDeps: (options.uses ?? []).map((p) => `${p.package.packageName}@^${WORKSPACE_VERSION}`),
      // Peers are pinned as dev dependencies below, by hand: aws-cdk-lib's peer range starts at
      // the floor, but the packages are built and tested against VERSIONS.awsCdkLib.
      peerDependencyOptions: { pinnedDevDependency: false },
      bundledDeps: options.bundledDeps,
      devDeps: [
        `aws-cdk-lib@${VERSIONS.awsCdkLib}`,
        `constructs@${VERSIONS.constructs}`,
        ...(options.uses ?? []).map((p) => `${p.package.packageName}@${WORKSPACE_VERSION}`),
        `jsii-docgen@${VERSIONS.jsiiDocgen}`,
        `cdk-nag@${VERSIONS.cdkNag}`,
        ...(options.devDeps ?? []),
      ],
    });
    asWorkspaceMember(this);
    // Built and tested against VERSIONS.awsCdkLib; consumers may bring any version from the floor on.
    this.deps.addDependency(`aws-cdk-lib@^${VERSIONS.awsCdkLibFloor}`, DependencyType.PEER);
    // jsii (JSII6) asks for a dev dependency at the floor: the floor is proven by consumer-check
    // instead, which installs the tarballs into an app on exactly that version.
    this.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');
    // The jsii build adds these as `*` during construction; pin them afterwards.
    this.addDevDeps(`jsii-pacmak@${VERSIONS.jsiiPacmak}`, `jsii-diff@${VERSIONS.jsiiDiff}`, `constructs@${VERSIONS.constructs}`);
    // The test type-check covers src too, so it is never empty and checks what tests import.
    this.tsconfigDev.addInclude('../src/**/*.ts');
    // The tests share helpers in test-support/ at the root (the nag run, the local stand-in for AWS).
    this.tsconfigDev.file.addOverride('compilerOptions.rootDir', '../../..');
    this.bundleHandlers(options.lambdaHandlers ?? []);

    // API.md is its own nx target, off the critical path: dependents wait for compile only.
    const docgen = this.addTask('docgen', {
      description: 'Generate API.md from the jsii assembly',
      exec: 'ts-node --transpile-only ../../tools/docgen.ts',
    });
    this.postCompileTask.spawn(docgen);

    // Every TypeScript snippet of the README and the doc comments compiles against the
    // package's own assembly (fixtures for fragments live in rosetta/); rosetta also gives
    // the examples' Python and C# translations.
    this.addDevDeps(`jsii-rosetta@${VERSIONS.jsiiRosetta}`);
    this.addTask('readme-examples', {
      description: 'Compile every TypeScript snippet of the README and the doc comments (jsii-rosetta, strict)',
      exec: 'jsii-rosetta extract --strict --compile --fail .jsii',
    });
    this.gitignore.exclude('/.jsii.tabl.json');
    this.npmignore?.exclude('/rosetta/');

    // Proves the multi-language API offline: C# and Python sources, no toolchain needed.
    this.addTask('package:code-only', {
      description: 'Generate the .NET and Python sources of the API (no compilers needed)',
      exec: 'jsii-pacmak --code-only --outdir dist/code-only --target dotnet --target python',
    });
  }

  private bundleHandlers(handlers: string[]): void {
    if (handlers.length === 0) return;
    this.addDevDeps(`esbuild@${VERSIONS.esbuild}`);
    for (const handler of handlers) {
      this.preCompileTask.exec([
        `esbuild lambda/${handler}.ts --bundle --minify --platform=node --target=node22 --format=cjs`,
        `--external:@aws-sdk/* --outfile=assets/${handler}/index.js --log-level=warning`,
      ].join(' '), { name: `bundle ${handler}` });
    }
    this.gitignore.exclude('/assets/');
    // Construct tests stage the bundles: on a fresh clone `test` must wait for this package's own build.
    this.package.file.addOverride('nx.targets.test.dependsOn', ['^build', 'build']);
    this.npmignore?.include('/assets/');
    this.tsconfigDev.addInclude('../lambda/**/*.ts');
  }
}
