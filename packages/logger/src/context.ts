import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written inside the current request or job carries. */
export type ContextFields = Readonly<Record<string, unknown>>;

/** What a queue job adds to every line logged while it runs. */
export interface JobContext {
  readonly job_id: string;
  readonly queue: string;
  /** The request that enqueued the job, so its lines can be joined with the request's. */
  readonly request_id?: string | undefined;
}

/** @internal The stored context plus a cache of its JSON form for the serializer that last used it. */
export interface ContextStore {
  readonly fields: ContextFields;
  cacheOwner: object | undefined;
  cacheJson: string;
}

const storage = new AsyncLocalStorage<ContextStore>();

function makeStore(fields: ContextFields): ContextStore {
  return { fields: Object.freeze(fields), cacheOwner: undefined, cacheJson: '' };
}

/**
 * Runs `fn` with `fields` added to the current context (nested calls merge, inner wins). Every
 * log line written inside — through awaits, timers and event callbacks started there — carries them.
 */
export function runWithContext<T>(fields: Readonly<Record<string, unknown>>, fn: () => T): T {
  const parent = storage.getStore();
  const merged = parent === undefined ? { ...fields } : { ...parent.fields, ...fields };
  return storage.run(makeStore(merged), fn);
}

/**
 * @internal `runWithContext({ request_id }, fn)` without the spread and merge when no context is
 * active (the common case: requestContext as the first middleware).
 */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  if (storage.getStore() !== undefined) return runWithContext({ request_id: requestId }, fn);
  return storage.run(
    { fields: Object.freeze({ request_id: requestId }), cacheOwner: undefined, cacheJson: '' },
    fn,
  );
}

/** The context fields of the current request or job, or undefined outside of one. */
export function getContext(): ContextFields | undefined {
  return storage.getStore()?.fields;
}

/** Runs a queue job's processor so that every line it logs carries `job_id`, `queue` and `request_id`. */
export function runInJobContext<T>(job: JobContext, fn: () => T): T {
  const fields: Record<string, unknown> = { job_id: job.job_id, queue: job.queue };
  if (job.request_id !== undefined && job.request_id !== '') fields.request_id = job.request_id;
  return runWithContext(fields, fn);
}

/** @internal */
export function currentStore(): ContextStore | undefined {
  return storage.getStore();
}

/** @internal Re-enters a captured store (used to log at the end of a request from an event callback). */
export function runWithStore<T>(store: ContextStore | undefined, fn: () => T): T {
  return store === undefined ? storage.exit(fn) : storage.run(store, fn);
}
