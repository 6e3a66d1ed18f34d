import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written inside the current request or job carries. */
export type ContextFields = Readonly<Record<string, unknown>>;

/**
 * What a queue job adds to every line logged while it runs, written under the OpenTelemetry
 * messaging names: `messaging.message.id` (the job id), `messaging.destination.name` (the queue)
 * and, when given, `messaging.system`, plus `request_id`.
 */
export interface JobContext {
  readonly job_id: string;
  readonly queue: string;
  /** The request that enqueued the job, so its lines can be joined with the request's. */
  readonly request_id?: string | undefined;
  /** `messaging.system`, e.g. `'bullmq'`; not written when absent. */
  readonly system?: string | undefined;
}

/** @internal The stored context plus a cache of its JSON form for the serializer that last used it. */
export class ContextStore {
  readonly fields: ContextFields;
  cacheOwner: object | undefined = undefined;
  cacheJson = '';

  constructor(fields: ContextFields) {
    this.fields = Object.freeze(fields);
  }
}

const storage = new AsyncLocalStorage<ContextStore>();

function makeStore(fields: ContextFields): ContextStore {
  return new ContextStore(fields);
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
 * @internal The store `runWithContext({ request_id }, …)` would run, built without a spread when
 * no context is active (the common case: requestContext as the first middleware).
 */
export function requestStore(requestId: string): ContextStore {
  const parent = storage.getStore();
  return new ContextStore(
    parent === undefined ? { request_id: requestId } : { ...parent.fields, request_id: requestId },
  );
}

/** The context fields of the current request or job, or undefined outside of one. */
export function getContext(): ContextFields | undefined {
  return storage.getStore()?.fields;
}

/**
 * Runs a queue job's processor so that every line it logs carries `messaging.message.id`,
 * `messaging.destination.name`, `messaging.system` (when given) and `request_id`.
 */
export function runInJobContext<T>(job: JobContext, fn: () => T): T {
  const fields: Record<string, unknown> = {
    'messaging.message.id': job.job_id,
    'messaging.destination.name': job.queue,
  };
  if (job.system !== undefined && job.system !== '') fields['messaging.system'] = job.system;
  if (job.request_id !== undefined && job.request_id !== '') fields.request_id = job.request_id;
  return runWithContext(fields, fn);
}

/** @internal */
export function currentStore(): ContextStore | undefined {
  return storage.getStore();
}

/** @internal Runs `fn` inside `store`. */
export function runWithStore<T>(store: ContextStore, fn: () => T): T {
  return storage.run(store, fn);
}
