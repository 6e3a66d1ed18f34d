import * as nodeModule from 'node:module';
import type { RegisterHooksOptions } from 'import-in-the-middle/register-hooks.mjs';
import type { InstrumentationLike } from './options.js';

/**
 * Registers import-in-the-middle's ESM loader hook so instrumentations can patch ES modules (and
 * `import { createServer } from 'node:http'`). Only the modules an instrumentation hooks are
 * wrapped: instrumentations created after this call send their module names to the loader
 * themselves (await the returned function once they are); `existing` ones, created before, are
 * asked for theirs. Call it before the app's modules are imported.
 */
export async function registerLoaderHook(
  existing: readonly InstrumentationLike[],
): Promise<() => Promise<void>> {
  const iitm = await import('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } =
    iitm.createAddHookMessageChannel<RegisterHooksOptions>();
  registerOptions.data?.include?.push(...moduleNames(existing));
  const { supportsSyncHooks, register } = await import('import-in-the-middle/register-hooks.mjs');
  if (supportsSyncHooks()) {
    // module.registerHooks: in-thread, no loader worker, no message round trip per module.
    register(registerOptions.data);
  } else {
    // Node 22.12–22.22.2 and 24.0–24.11.0 cannot run the synchronous hook (nodejs/node#59929), so
    // they get the asynchronous loader on its worker thread; deprecated in Node 24 for that reason.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    nodeModule.register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  }
  return waitForAllMessagesAcknowledged;
}

/** Names of the modules instrumentations built on InstrumentationBase patch. */
function moduleNames(instrumentations: readonly InstrumentationLike[]): string[] {
  return instrumentations.flat().flatMap((instrumentation) => {
    const { getModuleDefinitions } = instrumentation as {
      getModuleDefinitions?: () => readonly { name: string }[];
    };
    return typeof getModuleDefinitions === 'function'
      ? getModuleDefinitions.call(instrumentation).map((definition) => definition.name)
      : [];
  });
}
