/**
 * The settings registry's values. Each comes from, in order: its environment variable (which
 * wins, and the console shows greyed out), the database (site_settings: what the admin console
 * and the CLI set), or the registry's default; each is checked against its setting's type and
 * bounds. Callers ask `settings.get(name)` every time they need a value (never keep one), so a
 * change made on any process reaches them without a restart: the store re-reads the table when
 * told (the NOTIFY a change sends, which the realtime hub's LISTEN connection hears) and on a
 * timer, as a safety net for a notification lost while that connection was down.
 */
import type { Kysely } from 'kysely';
import { ConfigError } from '../config';
import type { Database } from '../db/database';
import { type Invalid, validationFailed } from '../errors';
import type { Logger } from '../log';
import {
  type AnySettingValue,
  RATE_POINTS_MAX,
  RATE_SECONDS_MAX,
  type Rate,
  SETTINGS,
  type SettingDefinition,
  type SettingName,
  type SettingValue,
  envName,
} from './settings.registry';
import { readOverrides } from './settings.repository';

export { SETTINGS, envName };
export type { AnySettingValue, Rate, SettingDefinition, SettingName, SettingValue };

/** The settings as the application reads them. */
export interface Settings {
  /** The setting's current value. */
  get<N extends SettingName>(name: N): SettingValue<N>;
}

/** Where a setting's value comes from now. */
export type SettingSource = 'env' | 'database' | 'default';

/** One setting as the console and the CLI list it. */
export interface SettingState {
  name: SettingName;
  definition: SettingDefinition;
  /** Its environment variable, which wins when set. */
  env: string;
  source: SettingSource;
  /** The value in force, as the environment writes it ('6/1m', '24', 'invite'). */
  value: string;
  /** The value stored in the database, as written, when there is one (it may be overridden by `env`). */
  stored: string | undefined;
}

/** The settings of a running process: kept up to date from the database. */
export interface SettingsStore extends Settings {
  /** Every setting, in the registry's order, with where its value comes from. */
  list(): SettingState[];
  /** Reads the database's overrides again (after a change here, on a NOTIFY, on the timer). */
  refresh(): Promise<void>;
  /** Calls `listener` after a refresh that changed any value (the app empties its kept pages). */
  onChange(listener: () => void): void;
  /** Stops the timer. */
  close(): void;
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

/** A value the way the environment writes it. */
export function formatValue(definition: SettingDefinition, value: AnySettingValue): string {
  return definition.type === 'rate' ? formatRate(value as Rate) : String(value);
}

/** A setting's default as the README writes it (an empty text as `""`). */
export function formatDefault(definition: SettingDefinition): string {
  const text = formatValue(definition, definition.default);
  return text === '' ? '""' : text;
}

// Line breaks, other control characters and the invisible ones that change how text reads
// (zero-width, direction): never in a name shown in every page's header.
const HIDDEN = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;

/**
 * What is wrong with `text` as a value of the setting, as a field's refusal (ValidationFailed's
 * Invalid) with the English the environment's refusal says; or its value.
 */
export function checkValue(
  definition: SettingDefinition,
  text: string,
): { value: AnySettingValue } | { invalid: Invalid; english: string } {
  switch (definition.type) {
    case 'rate': {
      const value = parseRate(text);
      if (value) return { value };
      return {
        invalid: { kind: 'rate', example: formatRate(definition.default) },
        english: `a count per window such as ${formatRate(definition.default)} (1 to ${RATE_POINTS_MAX}, per 1s to 7d; units s, m, h, d)`,
      };
    }
    case 'integer': {
      const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
      if (value >= definition.min && value <= definition.max) return { value };
      return {
        invalid: { kind: 'between', min: definition.min, max: definition.max },
        english: `a whole number of ${definition.unit}, ${definition.min} to ${definition.max}`,
      };
    }
    case 'choice':
      if (definition.values.includes(text.trim())) return { value: text.trim() };
      return { invalid: { kind: 'oneOf', values: definition.values }, english: `one of ${definition.values.join(', ')}` };
    case 'text': {
      const value = text.trim();
      if ([...value].length <= definition.maxLength && !HIDDEN.test(value)) return { value };
      return {
        invalid: { kind: 'plainText', min: 0, max: definition.maxLength },
        english: `text of at most ${definition.maxLength} characters, on one line`,
      };
    }
  }
}

/** `text` as a value of the setting `name`, or a 400 ValidationFailed naming the setting (the console's and the API's refusal). */
export function parseSettingValue(name: SettingName, text: string): AnySettingValue {
  const checked = checkValue(SETTINGS[name], text);
  if ('value' in checked) return checked.value;
  throw validationFailed(name, checked.invalid, `${name}: must be ${checked.english} (got ${JSON.stringify(text)}).`);
}

/** True when `name` is a setting of the registry. */
export const isSettingName = (name: unknown): name is SettingName => typeof name === 'string' && Object.hasOwn(SETTINGS, name);

const ENTRIES = Object.entries(SETTINGS) as [SettingName, SettingDefinition][];

/**
 * The values the environment sets (variables named by envName; empty counts as unset). Throws
 * ConfigError naming the variable, what it must be and the value given.
 */
function fromEnvironment(env: NodeJS.ProcessEnv): Map<SettingName, AnySettingValue> {
  const values = new Map<SettingName, AnySettingValue>();
  for (const [name, definition] of ENTRIES) {
    const text = env[envName(name)];
    if (!text) continue;
    const checked = checkValue(definition, text);
    if (!('value' in checked)) throw new ConfigError(`${envName(name)} must be ${checked.english} (got ${JSON.stringify(text)})`);
    values.set(name, checked.value);
  }
  return values;
}

/**
 * Reads every setting from `env`, defaults for the rest: the values for code with no database
 * (start-up's check, seeds, unit tests). Throws ConfigError as fromEnvironment.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const set = fromEnvironment(env);
  return {
    get: <N extends SettingName>(name: N) => (set.get(name) ?? SETTINGS[name].default) as SettingValue<N>,
  };
}

/** The registry's defaults, for code run outside the server (seeds, one-off tools, unit tests). */
export const defaultSettings = (): Settings => loadSettings({});

/** How often a process reads the settings again even if it heard of no change. */
export const SETTINGS_REFRESH_MS = 60_000;

/**
 * The settings of a process on a database: the environment's values (checked now: a bad one
 * throws ConfigError), then the database's, then the defaults. Holds no value until `refresh`
 * reads the table (until then, the environment's and the defaults). `refreshMs` 0: no timer.
 */
export function createSettingsStore(
  db: Kysely<Database>,
  env: NodeJS.ProcessEnv = process.env,
  options: { log?: Logger; refreshMs?: number } = {},
): SettingsStore {
  const fromEnv = fromEnvironment(env);
  let stored = new Map<SettingName, string>();
  const values = new Map<SettingName, AnySettingValue>();
  const listeners: (() => void)[] = [];

  const apply = () => {
    let changed = false;
    for (const [name, definition] of ENTRIES) {
      let value = fromEnv.get(name);
      const text = stored.get(name);
      if (value === undefined && text !== undefined) {
        const checked = checkValue(definition, text);
        // A row a newer or older build wrote that this one refuses (bounds changed): the default, said once per refresh.
        if ('value' in checked) value = checked.value;
        else options.log?.warn({ setting: name, value: text }, 'settings: stored value refused; using the default');
      }
      value ??= definition.default;
      const before = values.get(name);
      if (before !== undefined && formatValue(definition, before) === formatValue(definition, value)) continue;
      if (before !== undefined) changed = true;
      values.set(name, value);
    }
    return changed;
  };
  apply();

  // Refreshes do not overlap: one asked for while another runs follows it, so the last read wins.
  let running: Promise<void> | undefined;
  let again = false;
  const readOnce = async () => {
    const rows = await readOverrides(db);
    stored = new Map(rows.filter((r) => Object.hasOwn(SETTINGS, r.name)).map((r) => [r.name as SettingName, r.value]));
    if (apply()) for (const listener of listeners) listener();
  };
  const refresh = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await readOnce();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const refreshMs = options.refreshMs ?? SETTINGS_REFRESH_MS;
  const timer =
    refreshMs > 0
      ? setInterval(() => {
          refresh().catch((err: unknown) => options.log?.warn({ err: (err as Error).message }, 'settings: cannot read them again'));
        }, refreshMs)
      : undefined;
  timer?.unref();

  return {
    get: <N extends SettingName>(name: N) => values.get(name) as SettingValue<N>,
    list: () =>
      ENTRIES.map(([name, definition]) => ({
        name,
        definition,
        env: envName(name),
        source: fromEnv.has(name) ? 'env' : stored.has(name) ? 'database' : 'default',
        value: formatValue(definition, values.get(name)!),
        stored: stored.get(name),
      })),
    refresh,
    onChange: (listener) => void listeners.push(listener),
    close: () => clearInterval(timer),
  };
}
