/** Where a reporter that ends the process (such as `exitOnConfigError`) writes and exits. */
export interface ExitIo {
  stderr: { write(text: string): unknown };
  exit(code: number): void;
}

/** What became of the error `fail` threw once `report` had it. */
export interface ExitReport {
  /** The error `fail` threw (undefined when it threw nothing). */
  caught: unknown;
  /** The exit codes `report` asked for, in order. */
  codes: number[];
  /** Everything `report` wrote to stderr. */
  text: string;
  /** Whether `report` threw after its exit (a real exit never returns; this one records and returns). */
  threw: boolean;
}

/**
 * Runs `fail`, hands what it threw to `report` with a stderr and an exit that only record, and
 * returns what `report` wrote, the codes it asked for and whether it went on to throw.
 */
export function reportThroughExit(
  fail: () => unknown,
  report: (error: unknown, io: ExitIo) => unknown,
): ExitReport {
  let caught: unknown;
  try {
    fail();
  } catch (error) {
    caught = error;
  }
  const written: string[] = [];
  const codes: number[] = [];
  let threw = false;
  try {
    report(caught, {
      stderr: { write: (text: string) => written.push(text) },
      exit: (code) => void codes.push(code),
    });
  } catch {
    threw = true;
  }
  return { caught, codes, text: written.join(''), threw };
}
