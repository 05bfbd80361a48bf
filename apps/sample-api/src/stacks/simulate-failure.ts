/**
 * The rollback demo's switch: which stack (if any) gets `SIMULATE_FAILURE=true` on its
 * data functions. It is off unless asked for by name, and names exactly one stack.
 *
 * @param value the `simulateFailureIn` context value: `dev`, `prod` or the isolated prefix
 * @param isolatedPrefix the `isolated` context value, when an isolated copy is synthesized
 * @returns the environment name or isolated prefix to break, or undefined (the default)
 */
export function simulateFailureTarget(value: string | undefined, isolatedPrefix?: string, stacks: readonly string[] = ['dev', 'prod']): string | undefined {
  if (value === undefined) return undefined;
  const allowed = [...stacks, ...(isolatedPrefix !== undefined ? [isolatedPrefix] : [])];
  if (!allowed.includes(value)) {
    throw new Error(`simulateFailureIn must name one stack to break for the rollback demo (${allowed.map((a) => `'${a}'`).join(', ')}), got '${value}'; for example -c simulateFailureIn=prod, or leave it out to ship working code`);
  }
  return value;
}
