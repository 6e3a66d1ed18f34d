export { adaptLogger, logConvention } from './logger.js';
export type { Log, LogConvention, LogFields, LoggerLike } from './logger.js';
export { isSecretKey, maskSecrets, REDACTED, SECRET_KEYS, secretKeyMatcher } from './redact.js';
export type { SecretKeyTest } from './redact.js';
export { expressRouteTemplate, UNMATCHED_ROUTE } from './route.js';
export { createRequestLifecycle } from './request-lifecycle.js';
export type {
  FinishedRequest,
  RequestLifecycle,
  RequestLifecycleOptions,
  RequestObserver,
  SpanLike,
} from './request-lifecycle.js';
