const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/;

/** Parses `"100kb"`, `"1mb"`, `"512b"` or a bare number of bytes into bytes (1kb = 1024 b). */
export function parseBytes(text: string): number | undefined {
  const match = SIZE.exec(text.trim().toLowerCase());
  if (match === null) return undefined;
  return Math.floor(Number(match[1]) * (UNIT_BYTES[match[2] ?? 'b'] ?? 1));
}
