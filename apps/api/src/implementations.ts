import { IMPLEMENTATIONS, type ImplementationModule } from '@dal/registry';

export const IMPLEMENTATION_IDS = IMPLEMENTATIONS.map((i) => i.id);

/** A mistake in how the program was started (unknown IMPL, bad PORT): one line on stderr, exit 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Imports the implementation registered under `id`. */
export async function loadImplementation(id: string): Promise<ImplementationModule> {
  const entry = IMPLEMENTATIONS.find((i) => i.id === id);
  if (!entry)
    throw new UsageError(`unknown implementation '${id}' (one of: ${IMPLEMENTATION_IDS.join(', ')})`);
  try {
    return await entry.load();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`implementation '${id}' could not be loaded: ${reason}`);
  }
}
