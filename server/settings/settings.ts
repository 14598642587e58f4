/**
 * The settings registry's values: read from the environment once, at start-up, checked against
 * each setting's type and bounds. Callers ask `settings.get(name)` every time they need a value
 * (never keep one), so a store that changes values while the process runs (the admin console's,
 * in the database) can take the place of this one without any caller changing.
 */
import { ConfigError } from '../config';
import {
  RATE_POINTS_MAX,
  RATE_SECONDS_MAX,
  type Rate,
  SETTINGS,
  type SettingDefinition,
  type SettingName,
  type SettingValue,
  envName,
} from './settings.registry';

export { SETTINGS, envName };
export type { Rate, SettingName, SettingValue };

/** The settings as the application reads them. */
export interface Settings {
  /** The setting's current value. */
  get<N extends SettingName>(name: N): SettingValue<N>;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A rate as written in the environment: `6/1m`, `60/1h`, `5/30s`, `10/1d`. */
export function parseRate(text: string): Rate | undefined {
  const m = /^(\d+)\/(\d+)([smhd])$/.exec(text.trim());
  if (!m) return undefined;
  const points = Number(m[1]);
  const seconds = Number(m[2]) * UNIT_SECONDS[m[3] as keyof typeof UNIT_SECONDS];
  if (points < 1 || points > RATE_POINTS_MAX || seconds < 1 || seconds > RATE_SECONDS_MAX) return undefined;
  return { points, seconds };
}

/** A rate the way the environment and the README write it: the largest whole unit. */
export function formatRate({ points, seconds }: Rate): string {
  const unit = (['d', 'h', 'm'] as const).find((u) => seconds % UNIT_SECONDS[u] === 0) ?? 's';
  return `${points}/${seconds / UNIT_SECONDS[unit]}${unit}`;
}

/** A setting's default as the environment writes it. */
export function formatDefault(definition: SettingDefinition): string {
  return definition.type === 'rate' ? formatRate(definition.default) : String(definition.default);
}

function parse(name: SettingName, definition: SettingDefinition, text: string): Rate | number {
  const variable = envName(name);
  const got = `(got ${JSON.stringify(text)})`;
  if (definition.type === 'rate') {
    const value = parseRate(text);
    if (value) return value;
    throw new ConfigError(
      `${variable} must be a count per window such as ${formatRate(definition.default)} (1 to ${RATE_POINTS_MAX}, per 1s to 7d; units s, m, h, d) ${got}`,
    );
  }
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (value >= definition.min && value <= definition.max) return value;
  throw new ConfigError(`${variable} must be a whole number of ${definition.unit}, ${definition.min} to ${definition.max} ${got}`);
}

/**
 * Reads every setting from `env` (variables named by envName; empty counts as unset), defaults
 * for the rest. Throws ConfigError naming the variable, what it must be and the value given.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const values = new Map<SettingName, Rate | number>();
  for (const [name, definition] of Object.entries(SETTINGS) as [SettingName, SettingDefinition][]) {
    const text = env[envName(name)];
    values.set(name, text ? parse(name, definition, text) : definition.default);
  }
  return {
    get: <N extends SettingName>(name: N) => values.get(name) as SettingValue<N>,
  };
}

/** The registry's defaults, for code run outside the server (seeds, one-off tools, unit tests). */
export const defaultSettings = (): Settings => loadSettings({});
