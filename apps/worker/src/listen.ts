import type { Server } from 'node:http';

/** `server.listen` as a promise that rejects on EADDRINUSE and friends, naming the port. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `admin server could not listen on ${host}:${port} (${error.code ?? error.message}); ` +
            'set ADMIN_PORT to a free port',
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
