import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { arch, platform } from 'os';
import { dirname, join } from 'path';

/**
 * Where `@cdklabs/cdk-validator-cfnguard` keeps what it ships: the cfn-guard binary of
 * this platform and the AWS Control Tower proactive-control rules. Nothing is downloaded.
 */
export interface GuardInstallation {
  /** The cfn-guard executable shipped in the package. */
  readonly binary: string;
  /** The directory of the Control Tower rules (one folder per service, `.guard` files). */
  readonly rulesDir: string;
}

/** The cfn-guard binary and Control Tower rules shipped with `@cdklabs/cdk-validator-cfnguard`. */
export function guardInstallation(): GuardInstallation {
  const packageDir = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  // The package ships 'ubuntu' (every Linux) and 'macos' builds for x86_64 and aarch64.
  const os = platform() === 'linux' ? 'ubuntu' : platform() === 'darwin' ? 'macos' : undefined;
  const cpu = arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : undefined;
  if (os === undefined || cpu === undefined) {
    throw new Error(`cfn-guard is shipped for Linux and macOS on x64 and arm64 only, this machine is ${platform()}/${arch()}; run the compliance task on one of those (for example in the pipeline's CodeBuild image)`);
  }
  const binary = join(packageDir, 'bin', os, cpu, 'cfn-guard');
  const rulesDir = join(packageDir, 'rules', 'control-tower', 'cfn-guard');
  for (const path of [binary, rulesDir]) {
    if (!existsSync(path)) {
      throw new Error(`@cdklabs/cdk-validator-cfnguard is installed without ${path}; reinstall it (npm ci at the repository root)`);
    }
  }
  return { binary, rulesDir };
}

/** A Control Tower proactive control as its guard file declares it. */
export interface ControlRule {
  /** The guard rule name that cfn-guard and the validation report use, e.g. `s3_bucket_versioning_enabled_check`. */
  readonly ruleName: string;
  /** The Control Tower control id, e.g. `CT.S3.PR.11`. */
  readonly controlId: string;
  /** What the control requires, as its guard file says it. */
  readonly title: string;
}

/**
 * The controls of the rules directory, by guard rule name. Each `.guard` file holds one
 * control: its top-level `rule <name> when …` and its message `[CT.X.PR.n]: <title>`.
 */
export function controlRules(rulesDir: string): Map<string, ControlRule> {
  const rules = new Map<string, ControlRule>();
  for (const file of guardFiles(rulesDir)) {
    const text = readFileSync(file, 'utf-8');
    const name = /^rule\s+([A-Za-z0-9_]+)\s+when\b/m.exec(text)?.[1];
    const control = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]:\s*(.+)$/m.exec(text);
    if (name !== undefined && control !== null) {
      rules.set(name, { ruleName: name, controlId: control[1], title: control[2].trim() });
    }
  }
  return rules;
}

function guardFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return guardFiles(path);
    return entry.endsWith('.guard') ? [path] : [];
  });
}
