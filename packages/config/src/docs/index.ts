// @shipshape/config/docs: a schema described for people: its rows, a README table kept in step with
// it, the environment variable a key reads, and the text of a list of problems.
export { describeSchema, renderConfigTable, CONFIG_TABLE_HEADER } from '../describe-schema.js';
export {
  assertReadmeTable,
  diffReadmeTable,
  replaceReadmeTable,
  CONFIG_TABLE_START,
  CONFIG_TABLE_END,
} from '../readme-table.js';
export { envNameFor } from '../env-name.js';
export { formatConfigProblems } from '../config-error.js';

export type { ConfigRow } from '../describe-schema.js';
