import { resolve } from 'path';
import { formatCompliance, readCompliance } from './summary';

/**
 * The compliance task's report: reads the cloud assembly that `cdk synth -c compliance=true`
 * wrote (default `cdk.out` of the current directory, or the directory given as the first
 * argument), prints per stack how many Control Tower controls passed, failed and were
 * acknowledged, then every unacknowledged finding with its fix and every acknowledged one
 * with its reason. Exits 1 when a finding is not acknowledged, 2 when it cannot read the
 * assembly.
 */
function main(argv: readonly string[]): number {
  const outdir = resolve(argv[0] ?? 'cdk.out');
  try {
    const summary = readCompliance(outdir);
    console.log(formatCompliance(summary, outdir));
    return summary.findings.length === 0 && summary.otherPlugins.length === 0 ? 0 : 1;
  } catch (err) {
    console.error(`compliance report: ${(err as Error).message}`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
