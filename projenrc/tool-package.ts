import { typescript } from 'projen';
import { CrosswalkMonorepo } from './monorepo';
import { COMMON_OPTIONS, ONE_PROGRAM_TSCONFIG, SCOPE, WORKSPACE_VERSION, asWorkspaceMember, compileAsOneProgram } from './workspace-package';
import { VERSIONS } from './versions';

export interface ToolPackageOptions {
  readonly description: string;
  /** Workspace packages it uses at run time (real dependencies, exact workspace version). */
  readonly uses?: Array<{ readonly package: { readonly packageName: string } }>;
  readonly deps?: string[];
  /** Dependencies the consumer brings (e.g. its own aws-cdk-lib). */
  readonly peerDeps?: string[];
  readonly devDeps?: string[];
  /** Executables: name → script under lib/ (e.g. `{ crosswalk: 'lib/bin/crosswalk.js' }`). */
  readonly bin?: Record<string, string>;
}

/**
 * A published command-line package under `packages/<name>` (TypeScript, not jsii: its API
 * is a command and a few Node.js functions). `build` compiles src and test into lib/ with
 * one tsc program; `test` runs jest through swc.
 */
export class ToolPackage extends typescript.TypeScriptProject {
  constructor(root: CrosswalkMonorepo, name: string, options: ToolPackageOptions) {
    super({
      ...COMMON_OPTIONS,
      parent: root,
      outdir: `packages/${name}`,
      name: `${SCOPE}/${name}`,
      description: options.description,
      release: false,
      tsconfig: ONE_PROGRAM_TSCONFIG,
      deps: [
        ...(options.uses ?? []).map((p) => `${p.package.packageName}@${WORKSPACE_VERSION}`),
        ...(options.deps ?? []),
      ],
      peerDeps: options.peerDeps,
      peerDependencyOptions: { pinnedDevDependency: false }, // dev versions come with devDeps
      devDeps: [`@types/node@${VERSIONS.nodeTypes}`, ...(options.devDeps ?? [])],
      bin: options.bin,
    });
    asWorkspaceMember(this);
    compileAsOneProgram(this);
    // Published: the compiled sources only.
    this.npmignore?.exclude('/src/', '/test/', '/lib/test/', 'tsconfig*.json', '/test-reports/', '/coverage/');
  }
}
