import { Component, JsonFile, Project } from 'projen';

/** Outputs of each target, relative to the project root; what nx restores on a cache hit. */
export const TARGET_OUTPUTS = {
  build: ['lib', '.jsii', 'assets', 'tsconfig.tsbuildinfo'],
  docgen: ['API.md'],
  test: ['test-reports', 'coverage'],
  synth: ['cdk.out'],
  package: ['dist'],
};

/**
 * nx.json for the monorepo: cached build/test/synth targets that build their
 * dependencies first, the cache inside the repo, and nothing that reaches a
 * cloud service, a daemon or a prompt.
 */
export class NxConfig extends Component {
  public readonly file: JsonFile;

  constructor(project: Project) {
    super(project);
    const outputs = (names: string[]) => names.map((n) => `{projectRoot}/${n}`);
    this.file = new JsonFile(project, 'nx.json', {
      obj: {
        $schema: './node_modules/nx/schemas/nx-schema.json',
        defaultBase: 'main',
        neverConnectToCloud: true,
        analytics: false,
        useDaemonProcess: false,
        tui: { enabled: false },
        cacheDirectory: '.nx/cache',
        parallel: 2,
        namedInputs: {
          sharedGlobals: [
            '{workspaceRoot}/tsconfig.base.json',
            '{workspaceRoot}/package-lock.json',
            // The test helpers the packages share: the local stand-in for AWS, the nag run, the log lines.
            '{workspaceRoot}/test-support/**/*',
          ],
          default: ['{projectRoot}/**/*', 'sharedGlobals'],
          // README.md stays in: a jsii assembly (.jsii) embeds the package's README.
          production: [
            'default',
            '!{projectRoot}/test/**/*',
          ],
        },
        targetDefaults: {
          'build': {
            cache: true,
            dependsOn: ['^build'],
            inputs: ['production', '^production'],
            outputs: outputs(TARGET_OUTPUTS.build),
          },
          'docgen': {
            cache: true,
            dependsOn: ['build', '^build'],
            inputs: ['production', '^production'],
            outputs: outputs(TARGET_OUTPUTS.docgen),
          },
          'test': {
            cache: true,
            dependsOn: ['^build'],
            inputs: ['default', '^production'],
            outputs: outputs(TARGET_OUTPUTS.test),
          },
          'synth': {
            cache: true,
            dependsOn: ['build', '^build'],
            // What synth reads besides the sources: the config override (its path and its
            // content) and the commit baked into the functions' environment, so that a
            // cached cloud assembly never carries another config or commit.
            inputs: [
              'production', '^production',
              { env: 'CROSSWALK_CONFIG' },
              { env: 'CODEBUILD_RESOLVED_SOURCE_VERSION' },
              { runtime: 'cat "${CROSSWALK_CONFIG:-/dev/null}" 2>/dev/null; git rev-parse --short HEAD 2>/dev/null || true' },
            ],
            outputs: outputs(TARGET_OUTPUTS.synth),
          },
          // Every TypeScript snippet of a construct package's README and doc comments compiles.
          'readme-examples': {
            cache: true,
            dependsOn: ['build', '^build'],
            inputs: ['production', '^production', '{projectRoot}/rosetta/**/*'],
            outputs: ['{projectRoot}/.jsii.tabl.json'],
          },
          // Not cached: a report to read, run on demand (synthesizes the compiled app, so build first).
          'compliance': {
            dependsOn: ['build', '^build'],
          },
          'package': {
            cache: true,
            dependsOn: ['build'],
            inputs: ['production', '^production'],
            outputs: outputs(TARGET_OUTPUTS.package),
          },
          'package:code-only': {
            cache: true,
            dependsOn: ['build'],
            inputs: ['production', '^production'],
            outputs: ['{projectRoot}/dist/code-only'],
          },
        },
      },
      committed: true,
    });
    project.gitignore.exclude('/.nx/cache', '/.nx/workspace-data', '/.nx/task-cache');
  }
}
