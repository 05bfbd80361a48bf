/**
 * Where the pipeline delivers, read from either form of the config: the two environments
 * `dev` and `prod` (one wave each, in `region`), or `waves` of environments across accounts
 * and regions. Every stack and stage the apps make for an environment comes from here.
 */
import { ENVIRONMENT_NAMES } from './types';
import type { CrosswalkConfig, EnvironmentConfig, EnvironmentName, WaveEnvironmentConfig } from './types';

/** One environment in one region: a stack of the service and its stages in the pipeline. */
export interface DeliveryTarget {
  /** The wave it belongs to: its stage name, or the stage of the environment for a wave of one. */
  readonly wave: string;
  /** Whether its wave holds other targets (which then share its stages). */
  readonly sharesWave: boolean;
  /** The environment's name in the config: `dev`, `prod`, or a wave environment's. */
  readonly environment: string;
  /** Which settings it started from, and which suite runs after its deployment. */
  readonly kind: EnvironmentName;
  readonly account: string;
  readonly region: string;
  /** Its settings: `environments.<kind>` with the wave environment's own fields over them. */
  readonly settings: EnvironmentConfig;
  /** The name of its pipeline environment (its stages): `Dev`, `Prod`, `ProdEu`, `ProdEuUsWest2`… */
  readonly stageName: string;
  /** What ends its stack names: `dev`, `prod`, `prod-eu`, `prod-eu-us-west-2`… */
  readonly stackSuffix: string;
}

/** The fields of a wave environment that are not settings. */
const PLACEMENT_FIELDS = ['name', 'account', 'regions', 'extends'];

/** Every target of the config, in delivery order (wave by wave; within an environment, region by region). */
export function deliveryTargets(config: CrosswalkConfig): DeliveryTarget[] {
  if (config.waves === undefined) return ENVIRONMENT_NAMES.map((kind) => environmentTarget(config, kind));
  return config.waves.flatMap((wave) => {
    const targets = wave.environments.flatMap((env) => (env.regions ?? [config.region]).map((region) => ({ env, region })));
    return targets.map(({ env, region }) => {
      const away = region === config.region ? '' : `-${region}`;
      return {
        wave: wave.name,
        sharesWave: targets.length > 1,
        environment: env.name,
        kind: env.extends,
        account: env.account,
        region,
        settings: settingsOf(config, env),
        stageName: pascal(`${env.name}${away}`),
        stackSuffix: `${env.name}${away}`,
      };
    });
  });
}

/**
 * `dev` or `prod` as the two-environment config delivers it: a wave of its own, in
 * `accounts.<kind>` and the config's region (with waves: the dev account of an isolated copy).
 */
export function environmentTarget(config: CrosswalkConfig, kind: EnvironmentName): DeliveryTarget {
  return {
    wave: pascal(kind),
    sharesWave: false,
    environment: kind,
    kind,
    account: config.accounts[kind],
    region: config.region,
    settings: config.environments[kind],
    stageName: pascal(kind),
    stackSuffix: kind,
  };
}

/**
 * The first target of each account and region, in delivery order: one roles stack serves every
 * environment of an account and region, and is named after this one.
 */
export function rolesTargets(config: CrosswalkConfig): DeliveryTarget[] {
  const first: DeliveryTarget[] = [];
  for (const t of deliveryTargets(config)) {
    if (!first.some((r) => r.account === t.account && r.region === t.region)) first.push(t);
  }
  return first;
}

/** A wave environment's settings: those of the environment it extends, its own fields over them. */
export function settingsOf(config: CrosswalkConfig, env: WaveEnvironmentConfig): EnvironmentConfig {
  const own = Object.fromEntries(Object.entries(env).filter(([key]) => !PLACEMENT_FIELDS.includes(key)));
  return { ...config.environments[env.extends], ...own } as EnvironmentConfig;
}

/** The regions the config delivers to, the config's own first. */
export function deliveryRegions(config: CrosswalkConfig): string[] {
  return [...new Set([config.region, ...deliveryTargets(config).map((t) => t.region)])];
}

/** `prod-eu-us-west-2` as `ProdEuUsWest2`: a stage name. */
function pascal(text: string): string {
  return text.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/** Whether the pipeline updates the build account's own stacks (the config's `selfUpdate`, on by default). */
export function selfUpdates(config: CrosswalkConfig): boolean {
  return config.selfUpdate !== false;
}
