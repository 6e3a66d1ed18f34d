/**
 * Whether the pretty format may write ANSI colours to `stream`: never when `NO_COLOR` is set to
 * anything but the empty string (no-color.org); when `FORCE_COLOR` is set, as it says (`0` and
 * `false` turn colour off, any other value on, as in Node's own `tty`); otherwise only on a terminal.
 */
export function useColor(
  stream: NodeJS.WritableStream | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return (stream as { isTTY?: unknown } | undefined)?.isTTY === true;
}
