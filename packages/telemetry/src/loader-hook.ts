import * as nodeModule from 'node:module';
import type { RegisterHooksOptions } from 'import-in-the-middle/register-hooks.mjs';

/**
 * Registers import-in-the-middle's ESM loader hook so instrumentations can patch ES modules (and
 * `import { createServer } from 'node:http'`). Only modules an instrumentation hooks are wrapped:
 * their names reach the loader through a message channel as instrumentations are created.
 * Call it before creating the instrumentations; await the returned function after.
 */
export async function registerLoaderHook(): Promise<() => Promise<void>> {
  const iitm = await import('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } =
    iitm.createAddHookMessageChannel<RegisterHooksOptions>();
  const { supportsSyncHooks, register } = await import('import-in-the-middle/register-hooks.mjs');
  if (supportsSyncHooks()) {
    // module.registerHooks: in-thread, no loader worker, no IPC per resolved module.
    register(registerOptions.data);
  } else {
    // Node 22.12–22.22.2 and 24.0–24.11.0 cannot run the synchronous hook (nodejs/node#59929), so
    // they get the asynchronous loader on its worker thread; deprecated in Node 24 for that reason.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    nodeModule.register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  }
  return waitForAllMessagesAcknowledged;
}
