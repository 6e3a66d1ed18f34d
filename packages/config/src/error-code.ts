/** The `code` of a Node.js system error (`ENOENT`, `EACCES`…), or `error` when there is none. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}
