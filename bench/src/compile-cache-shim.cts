// Preloaded with `node --require` into the apps started under another Node.js by the start-up
// case. Node.js < 22.1 has no `module.enableCompileCache`, which the apps import and call first
// thing, so they fail to link there. This adds a no-op (Node 20 has no compile cache to turn on)
// before any ES module sees `node:module`: the named exports of a built-in are fixed the first time
// it is loaded publicly, which is why the module object is reached through `module.constructor`
// rather than `require('node:module')`. Where the real function exists it is left alone.
const Module = module.constructor as unknown as { enableCompileCache?: () => unknown };
if (typeof Module.enableCompileCache !== 'function') {
  // Node's own "disabled" answer (module.constants.compileCacheStatus.DISABLED is 3).
  Module.enableCompileCache = () => ({ status: 3, message: 'no compile cache before Node 22.1' });
}
