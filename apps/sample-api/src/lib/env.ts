import { MissingConfiguration } from './errors';

/**
 * Reads a required environment variable. Handlers call it at module scope, so a
 * function deployed without its configuration fails at init with a clear message
 * (and the pre-traffic hook stops the deployment) instead of failing per request.
 */
export function requireEnv(name: string, purpose: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new MissingConfiguration(
      `environment variable ${name} is required (${purpose}) but is ${value === undefined ? 'not set' : 'empty'}; set it on the function`,
    );
  }
  return value;
}

/**
 * Reads an on/off switch: only the exact string `'true'` turns it on, anything else
 * (unset, `'false'`, `'1'`) leaves it off, so a switch is never on by accident.
 */
export function isSwitchOn(name: string): boolean {
  return process.env[name] === 'true';
}
