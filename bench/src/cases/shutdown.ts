import { constants } from 'node:os';
import { startChild } from '../child.js';
import { keepAliveLoad } from '../keep-alive-client.js';
import { alternate, type CaseResult, type Contender } from '../rounds.js';
import type { BenchOptions } from '../options.js';

const VARIANTS = ['shipshape', 'terminus', 'http-terminator', 'naive'] as const;

function contender(variant: string, options: BenchOptions): Contender {
  return {
    name: variant,
    async measure() {
      const child = startChild('shutdown-server', [variant], options.pinning.server);
      const { port } = (await child.ready) as { port: number };
      let exited = false;
      const exit = child.exited.then((value) => {
        exited = true;
        return value;
      });
      const load = keepAliveLoad(port, 20, () => exited);
      await new Promise((resolve) => setTimeout(resolve, options.smoke ? 300 : 1000));
      const signalledAt = Date.now();
      child.process.kill('SIGTERM');
      const deadline = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
      const { code, signal } = await exit;
      clearTimeout(deadline);
      const tally = await load;
      const report = child.messages.find((m) => m['event'] === 'exit') as
        { received: number; answered: number; at: number } | undefined;
      if (report === undefined)
        throw new Error(`${variant}: the server did not report at exit (code ${String(code)})`);
      return {
        answered: tally.ok,
        received_never_answered: report.received - report.answered,
        lost_on_reused_socket: tally.lostOnReusedSocket,
        lost_on_new_socket: tally.lostOnNewSocket,
        refused: tally.refused,
        exit_after_last_response_ms: Math.max(0, report.at - tally.lastResponseAt),
        exit_after_signal_ms: report.at - signalledAt,
        // A death by signal reads as a shell would show it (128 + signal number).
        exit_code: code ?? 128 + (signal ? constants.signals[signal] : 0),
      };
    },
  };
}

export async function shutdownCase(options: BenchOptions): Promise<CaseResult> {
  return alternate(
    {
      case: 'shutdown',
      description:
        'SIGTERM under keep-alive load (20 connections from the runner), 50 ms handler, no drain delay',
      baseline: 'naive',
      ratioOf: { metric: 'lost_on_reused_socket', better: 'lower' },
      units: {
        answered: '',
        received_never_answered: '',
        lost_on_reused_socket: '',
        lost_on_new_socket: '',
        refused: '',
        exit_after_last_response_ms: 'ms',
        exit_after_signal_ms: 'ms',
        exit_code: '',
      },
    },
    VARIANTS.map((variant) => contender(variant, options)),
    options,
  );
}
