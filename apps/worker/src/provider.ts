import { setTimeout as sleep } from 'node:timers/promises';

/** What the worker asks of a payment or e-mail provider. */
export interface ConfirmationProvider {
  /** Resolves with the provider's reference; rejects when `signal` aborts (shutdown deadline, job cancel). */
  confirm(request: ProviderRequest, signal?: AbortSignal): Promise<{ reference: string }>;
}

export interface ProviderRequest {
  orderId: string;
  totalCents: number;
  customerEmail: string | null;
}

export interface ProviderStandInOptions {
  /** Simulated round trip to the provider. */
  readonly latencyMs?: number;
}

export const PROVIDER_DEFAULTS = {
  latencyMs: 200,
} as const satisfies Required<ProviderStandInOptions>;

/**
 * Stands in for a payment or e-mail provider: waits `latencyMs` (the network round trip a real call
 * costs) and answers with a reference derived from the order id, as an idempotent provider API would.
 */
export function createProviderStandIn(options: ProviderStandInOptions = {}): ConfirmationProvider {
  const { latencyMs } = { ...PROVIDER_DEFAULTS, ...options };
  return {
    async confirm(request, signal) {
      try {
        await sleep(latencyMs, undefined, signal ? { signal } : {});
      } catch (error) {
        if (signal?.aborted !== true) throw error;
        const reason: unknown = signal.reason;
        throw new Error(
          `provider call for order ${request.orderId} aborted: ${reason instanceof Error ? reason.message : String(reason)}`,
          { cause: error },
        );
      }
      return { reference: `stand-in-${request.orderId}` };
    },
  };
}
