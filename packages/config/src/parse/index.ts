// @shipshape/config/parse: how the loader reads text (durations, sizes, the longest timer) and the
// names it reserves (the config-file variable, the keys it refuses).
export { parseDuration } from '../duration.js';
export { parseBytes } from '../bytes.js';
export { TIMER_MAX_MS } from '../bounds.js';
export { FORBIDDEN_KEYS } from '../forbidden-keys.js';
export { CONFIG_FILE_VARIABLE } from '../load-config.js';
