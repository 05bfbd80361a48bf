import { Component, github, typescript } from 'projen';

const NODE_VERSION = '20.x';

const setupSteps = (fetchDepth: number): github.workflows.JobStep[] => [
  { name: 'Checkout', uses: 'actions/checkout@v4', with: { 'fetch-depth': fetchDepth } },
  { name: 'Set up Node', uses: 'actions/setup-node@v4', with: { 'node-version': NODE_VERSION, 'cache': 'npm' } },
  {
    name: 'Restore the nx cache',
    uses: 'actions/cache@v4',
    with: {
      'path': '.nx/cache',
      'key': "nx-${{ runner.os }}-${{ hashFiles('package-lock.json') }}-${{ github.sha }}",
      'restore-keys': "nx-${{ runner.os }}-${{ hashFiles('package-lock.json') }}-",
    },
  },
  { name: 'Install', run: 'npm ci' },
];

/**
 * Pull requests: install, then build, test and synthesize only what the change
 * affects against the base branch, with nx's cache restored between runs.
 */
export class PullRequestWorkflow extends Component {
  constructor(project: typescript.TypeScriptProject) {
    super(project);
    const wf = project.github!.addWorkflow('pull-request');
    wf.on({ pullRequest: {}, workflowDispatch: {} });
    wf.addJobs({
      affected: {
        name: 'Build, test and synth what changed',
        runsOn: ['ubuntu-latest'],
        permissions: { contents: github.workflows.JobPermission.READ },
        env: { CI: 'true', NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
        steps: [
          ...setupSteps(0),
          { name: 'Derive the base and head for nx affected', uses: 'nrwl/nx-set-shas@v4' },
          { name: 'Affected build, test, synth', run: 'npx nx affected -t build,docgen,test,synth --output-style=stream' },
          { name: 'Generated files are up to date', run: 'npx projen && git diff --exit-code' },
          { name: 'Constructs install from their tarballs', run: 'npx projen consumer-check' },
        ],
      },
    });
  }
}

/**
 * Release on a push to main: decide the version from the conventional commits since the
 * last `v*` tag (projen's release machinery, `release:version`), write it into every
 * package before building, build and package every construct library for npm, NuGet and
 * PyPI with jsii-pacmak (and the cli for npm), publish with publib, then tag the commit.
 * A push with no releasable commit since the last tag publishes nothing new: publib skips
 * versions that a registry already has.
 */
export class ReleaseWorkflow extends Component {
  constructor(project: typescript.TypeScriptProject) {
    super(project);
    const wf = project.github!.addWorkflow('release');
    wf.on({ push: { branches: ['main'] }, workflowDispatch: {} });
    wf.addJobs({
      package: {
        name: 'Build and package the construct libraries',
        runsOn: ['ubuntu-latest'],
        permissions: { contents: github.workflows.JobPermission.READ },
        env: { CI: 'true', NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
        outputs: { version: { stepId: 'version', outputName: 'version' } },
        steps: [
          ...setupSteps(0), // the whole history and its tags: the version comes from them
          { name: 'Set up .NET', uses: 'actions/setup-dotnet@v4', with: { 'dotnet-version': '8.x' } },
          { name: 'Set up Python', uses: 'actions/setup-python@v5', with: { 'python-version': '3.x' } },
          {
            id: 'version',
            name: 'Version every package (feat/fix/BREAKING CHANGE since the last tag)',
            run: 'npx projen release:version --apply && echo "version=$(cat .tmp/release/version.txt)" >> "$GITHUB_OUTPUT"',
          },
          { name: 'Build and test', run: 'npx projen compile && npx projen test' },
          { name: 'Package for every target', run: 'npx nx run-many -t package-all --projects=\'packages/*\' --output-style=stream' },
          { name: 'Pack the cli', run: 'mkdir -p packages/cli/dist/js && (cd packages/cli && npm pack --pack-destination dist/js)' },
          { name: 'Collect the artifacts', run: 'mkdir -p dist && for p in packages/*/dist; do cp -r "$p"/. dist/; done' },
          { name: 'Upload', uses: 'actions/upload-artifact@v4', with: { name: 'dist', path: 'dist' } },
        ],
      },
      publish: {
        name: 'Publish to npm, NuGet and PyPI',
        needs: ['package'],
        runsOn: ['ubuntu-latest'],
        permissions: { contents: github.workflows.JobPermission.READ, idToken: github.workflows.JobPermission.WRITE },
        environment: 'release',
        steps: [
          { name: 'Download', uses: 'actions/download-artifact@v4', with: { name: 'dist', path: 'dist' } },
          { name: 'Set up Node', uses: 'actions/setup-node@v4', with: { 'node-version': NODE_VERSION } },
          { name: 'Set up .NET', uses: 'actions/setup-dotnet@v4', with: { 'dotnet-version': '8.x' } },
          { name: 'Set up Python', uses: 'actions/setup-python@v5', with: { 'python-version': '3.x' } },
          { name: 'npm', run: 'npx -p publib@latest publib-npm dist/js', env: { NPM_TOKEN: '${{ secrets.NPM_TOKEN }}', NPM_ACCESS_LEVEL: 'public' } },
          { name: 'NuGet', run: 'npx -p publib@latest publib-nuget dist/dotnet', env: { NUGET_API_KEY: '${{ secrets.NUGET_API_KEY }}' } },
          { name: 'PyPI', run: 'npx -p publib@latest publib-pypi dist/python', env: { TWINE_USERNAME: '__token__', TWINE_PASSWORD: '${{ secrets.PYPI_TOKEN }}' } },
        ],
      },
      tag: {
        name: 'Tag the released commit',
        needs: ['package', 'publish'],
        runsOn: ['ubuntu-latest'],
        permissions: { contents: github.workflows.JobPermission.WRITE },
        steps: [
          { name: 'Checkout', uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
          {
            name: 'Tag v<version> unless it exists',
            run: 'tag="v${{ needs.package.outputs.version }}"; git rev-parse -q --verify "refs/tags/$tag" >/dev/null || { git tag "$tag" && git push origin "$tag"; }',
          },
        ],
      },
    });
  }
}
