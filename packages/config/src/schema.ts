/** Value formats this package understands by name. */
export type FormatName =
  | 'port'
  | 'duration'
  | 'bytes'
  | 'log-level'
  | 'url'
  | 'host'
  | 'ratio'
  | 'int'
  | 'integer'
  | 'nat'
  | 'number'
  | 'string'
  | 'boolean'
  | 'object'
  | 'array'
  | '*';

/** A custom validator: throw an Error (message without the value) when `value` is invalid. */
export type FormatFunction = (value: unknown) => void;

export type FormatSpec = FormatName | readonly (string | number | boolean)[] | FormatFunction;

/** Environment variables as a loader sees them. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

/** One configuration value: convict's property shape plus `protocols` (url) and `defaultFromEnv`. */
export interface SchemaLeaf<T = unknown> {
  readonly doc?: string;
  readonly format?: FormatSpec;
  readonly default: T;
  /** Environment variable name; derived from the path when absent (`server.port` → `SERVER_PORT`). */
  readonly env?: string;
  /** Printed as `[REDACTED]` in every dump, error and string form. */
  readonly sensitive?: boolean;
  /** `null` is accepted as a value. */
  readonly nullable?: boolean;
  /** For `format: 'url'`: allowed protocols such as `'https:'` (the trailing colon is optional). */
  readonly protocols?: readonly string[];
  /** Computes the default from the environment the loader reads (`undefined` keeps `default`). */
  readonly defaultFromEnv?: (env: EnvLike) => unknown;
  /** Number formats only: the smallest accepted value, as a number or in the format's text (`'1ms'`). */
  readonly min?: number | string;
  /**
   * Number formats only: the largest accepted value. A `duration` without `max` is capped at
   * `TIMER_MAX_MS`; set a larger `max` for a duration that never reaches a timer.
   */
  readonly max?: number | string;
}

/** A section of the schema: names mapped to values or nested sections. */
export interface SchemaSection {
  readonly [key: string]: SchemaLeaf | SchemaSection;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer E)[]
        ? readonly Widen<E>[]
        : T extends object
          ? { readonly [K in keyof T]: Widen<T[K]> }
          : T;

type NumberFormat = 'port' | 'duration' | 'bytes' | 'ratio' | 'int' | 'integer' | 'nat' | 'number';

type FormatValue<F, D> = F extends NumberFormat
  ? number
  : F extends 'log-level'
    ? LogLevel
    : F extends 'url' | 'host' | 'string'
      ? string
      : F extends 'boolean'
        ? boolean
        : F extends readonly (infer E)[]
          ? E
          : Widen<Exclude<D, null | undefined>>;

/** The TypeScript type of one leaf's loaded value. */
export type LeafValue<L> = L extends { readonly default: infer D }
  ? | (L extends { readonly format: infer F }
        ? FormatValue<F, D>
        : Widen<Exclude<D, null | undefined>>)
    | (L extends { readonly nullable: true } ? null : never)
  : never;

/** The plain object `loadConfig` returns for a schema. */
export type Inferred<S> = {
  [K in keyof S]: S[K] extends { readonly default: unknown } ? LeafValue<S[K]> : Inferred<S[K]>;
};

export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** `loadConfig`'s return type for schema `S`. */
export type Config<S> = DeepReadonly<Inferred<S>>;
