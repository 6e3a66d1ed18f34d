// `@shipshape/logger/defaults`: the documented defaults of every option, the default redaction
// list, and the request-id rule, for code that pins its own settings to them (tests, docs).
export { DEFAULTS } from './options.js';
export { REQUEST_CONTEXT_DEFAULTS, isValidRequestId } from './request-context.js';
export { ACCESS_LOG_DEFAULTS } from './access-log.js';
export { LOG_LEVEL_HANDLER_DEFAULTS } from './log-level-handler.js';
export { DEFAULT_REDACT_KEYS } from './redact.js';
