/** The process listeners one coordinator installed, so that exactly those can be removed again. */
export class ProcessListeners {
  readonly #installed: [string, (value: unknown) => void][] = [];

  add(event: string, listener: (value: unknown) => void): void {
    process.on(event, listener);
    this.#installed.push([event, listener]);
  }

  removeAll(): void {
    for (const [event, listener] of this.#installed.splice(0))
      process.removeListener(event, listener);
  }
}
