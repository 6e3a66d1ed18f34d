import { LoggerError } from './errors.js';
import { assertLevel, LEVEL_VALUES, type Level } from './levels.js';

/** Where a level applies, and for how long. */
export interface SetLevelOptions {
  /** Change only the child loggers whose `module` field has this name. */
  readonly module?: string | undefined;
  /** Revert to the previous permanent level after this many milliseconds. */
  readonly expiresInMs?: number | undefined;
}

/** The levels in force, as `getLevels()` and the admin handler report them. */
export interface LevelSnapshot {
  readonly level: Level;
  /** ISO time at which `level` reverts, or null when it is permanent. */
  readonly expiresAt: string | null;
  readonly modules: Readonly<
    Record<string, { readonly level: Level; readonly expiresAt: string | null }>
  >;
}

interface Setting {
  level: Level;
  /** What an expiry reverts to; undefined for a module means "follow the global level". */
  permanent: Level | undefined;
  expiresAt: number | null;
  timer: NodeJS.Timeout | undefined;
}

const MAX_TIMEOUT_MS = 2_147_483_647;

/** A module name that may carry its own level: 1–64 characters of `[A-Za-z0-9._:/-]`. */
export const MODULE_NAME = /^[A-Za-z0-9._:/-]{1,64}$/;

/** Global and per-module levels shared by a root logger and all its children. */
export class LevelControl {
  /** Bumped on every change so loggers can cache their threshold. */
  version = 0;
  readonly #global: Setting;
  readonly #modules = new Map<string, Setting>();
  readonly #maxModules: number;

  /** @param maxModules how many modules may have their own level at once. */
  constructor(initial: Level, maxModules = 32) {
    this.#global = { level: initial, permanent: initial, expiresAt: null, timer: undefined };
    this.#maxModules = maxModules;
  }

  /** How many modules have their own level now. */
  get moduleCount(): number {
    return this.#modules.size;
  }

  get maxModules(): number {
    return this.#maxModules;
  }

  threshold(module: string | undefined): number {
    const setting = module === undefined ? undefined : this.#modules.get(module);
    return LEVEL_VALUES[(setting ?? this.#global).level];
  }

  set(level: Level, options: SetLevelOptions = {}): void {
    assertLevel(level, 'setLevel');
    const { module, expiresInMs } = options;
    if (module !== undefined && (typeof module !== 'string' || !MODULE_NAME.test(module))) {
      throw invalid(
        `module must be 1–64 characters of letters, digits and . _ : / -, got ${describe(module)}`,
      );
    }
    if (
      expiresInMs !== undefined &&
      (typeof expiresInMs !== 'number' ||
        !Number.isInteger(expiresInMs) ||
        expiresInMs <= 0 ||
        expiresInMs > MAX_TIMEOUT_MS)
    ) {
      throw invalid(
        `expiresInMs must be a whole number of milliseconds between 1 and ${MAX_TIMEOUT_MS}, got ${String(expiresInMs)}`,
      );
    }
    let setting = module === undefined ? this.#global : this.#modules.get(module);
    if (setting === undefined) {
      if (this.#modules.size >= this.#maxModules) {
        throw new LoggerError(
          'LOGGER_LIMIT_EXCEEDED',
          `setLevel: ${this.#modules.size} modules already have their own level, the most allowed ` +
            `(maxModuleLevels: ${this.#maxModules}). Change one of them, or wait for one to expire.`,
        );
      }
      setting = { level, permanent: undefined, expiresAt: null, timer: undefined };
      if (module !== undefined) this.#modules.set(module, setting);
    }
    clearTimeout(setting.timer);
    setting.timer = undefined;
    setting.level = level;
    if (expiresInMs === undefined) {
      setting.permanent = level;
      setting.expiresAt = null;
    } else {
      setting.expiresAt = Date.now() + expiresInMs;
      const target = setting;
      setting.timer = setTimeout(() => {
        this.#revert(target, module);
      }, expiresInMs);
      setting.timer.unref();
    }
    this.version++;
  }

  snapshot(): LevelSnapshot {
    const modules: Record<string, { level: Level; expiresAt: string | null }> = {};
    for (const [name, setting] of this.#modules) {
      modules[name] = { level: setting.level, expiresAt: iso(setting.expiresAt) };
    }
    return { level: this.#global.level, expiresAt: iso(this.#global.expiresAt), modules };
  }

  /** Cancels pending expiries (they would keep nothing alive: timers are unref'd). */
  close(): void {
    clearTimeout(this.#global.timer);
    for (const setting of this.#modules.values()) clearTimeout(setting.timer);
  }

  #revert(setting: Setting, module: string | undefined): void {
    setting.timer = undefined;
    setting.expiresAt = null;
    if (setting.permanent === undefined) {
      if (module !== undefined) this.#modules.delete(module);
    } else {
      setting.level = setting.permanent;
    }
    this.version++;
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A bounded, printable rendering of a value from outside (never echoes it whole). */
function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  const shown = JSON.stringify(value.length > 64 ? value.slice(0, 64) : value);
  return value.length > 64 ? `${shown}… (${value.length} characters)` : shown;
}

function invalid(detail: string): LoggerError {
  return new LoggerError('LOGGER_INVALID_OPTIONS', `setLevel: ${detail}.`);
}
